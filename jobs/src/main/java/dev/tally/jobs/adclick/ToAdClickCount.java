package dev.tally.jobs.adclick;

import dev.tally.jobs.adclick.functions.ClickCount;
import dev.tally.jobs.adclick.functions.Minutes;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdCountryCount;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns final per-minute counts into the published records: filter counts on the main output, the
 * per-country dimension on a side output; records how long after the minute ended each count left.
 */
public final class ToAdClickCount extends ProcessFunction<ClickCount, AdClickCount> {

    public static final OutputTag<AdCountryCount> COUNTRY_COUNTS =
            new OutputTag<>("country-counts", new AvroTypeInfo<>(AdCountryCount.class));

    private transient Histogram latency;

    @Override
    public void open(OpenContext openContext) {
        latency = getRuntimeContext()
                .getMetricGroup()
                .histogram("windowEmitLatencyMillis", new DescriptiveStatisticsHistogram(10_000));
    }

    @Override
    public void processElement(ClickCount count, Context ctx, Collector<AdClickCount> out) {
        // Event time of the minute's end to the wall clock now: the end-to-end result latency.
        latency.update(Math.max(0, ctx.timerService().currentProcessingTime() - (count.minute + Minutes.MILLIS)));
        if (count.filterId == ClickCount.COUNTRY_DIMENSION) {
            ctx.output(COUNTRY_COUNTS, new AdCountryCount(count.adId, count.minute, count.country, count.count));
        } else {
            out.collect(new AdClickCount(count.adId, count.filterId, count.minute, count.count));
        }
    }
}
