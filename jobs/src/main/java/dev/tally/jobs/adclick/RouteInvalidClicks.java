package dev.tally.jobs.adclick;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.common.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Passes accepted clicks on and sends rejected records to the dead-letter side output, counting both. */
public final class RouteInvalidClicks extends ProcessFunction<Decoded<AdClickEvent>, AdClickEvent> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private transient Counter accepted;
    private transient Counter invalid;

    @Override
    public void open(OpenContext openContext) {
        accepted = getRuntimeContext().getMetricGroup().counter("accepted");
        invalid = getRuntimeContext().getMetricGroup().counter("invalid");
    }

    @Override
    public void processElement(Decoded<AdClickEvent> record, Context ctx, Collector<AdClickEvent> out) {
        if (record.isAccepted()) {
            accepted.inc();
            out.collect(record.value);
        } else {
            invalid.inc();
            ctx.output(DEAD_LETTERS, record.deadLetter);
        }
    }
}
