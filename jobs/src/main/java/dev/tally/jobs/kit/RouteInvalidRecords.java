package dev.tally.jobs.kit;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.schema.common.DeadLetter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes valid records on and sends rejected ones to the dead-letter side output: the {@link
 * RecordFate#INVALID} ones; the job's later operators decide the fates of the valid ones.
 */
public final class RouteInvalidRecords<T extends SpecificRecordBase> extends ProcessFunction<Decoded<T>, T> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private transient Counter valid;
    private transient Counter invalid;

    @Override
    public void open(OpenContext openContext) {
        valid = getRuntimeContext().getMetricGroup().counter("valid");
        invalid = RecordFate.INVALID.counter(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(Decoded<T> record, Context ctx, Collector<T> out) {
        if (record.isAccepted()) {
            valid.inc();
            out.collect(record.value);
        } else {
            invalid.inc();
            ctx.output(DEAD_LETTERS, record.deadLetter);
        }
    }
}
