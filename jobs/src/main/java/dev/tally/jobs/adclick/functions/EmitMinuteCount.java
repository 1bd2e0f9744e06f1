package dev.tally.jobs.adclick.functions;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a 1-minute window's sum into a final {@link ClickCount}, attaching key and minute. */
public class EmitMinuteCount extends ProcessWindowFunction<Long, ClickCount, CountKey, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(
            CountKey key, Context context, Iterable<Long> sums, Collector<ClickCount> out) {
        long count = sums.iterator().next();
        out.collect(
                new ClickCount(key.adId, key.filterId, key.country, context.window().getStart(), count));
    }
}
