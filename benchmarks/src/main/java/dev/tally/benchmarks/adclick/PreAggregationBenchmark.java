package dev.tally.benchmarks.adclick;

import dev.tally.jobs.adclick.functions.ClickCount;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.jobs.adclick.functions.PreAggregateClicks;
import dev.tally.schema.adclick.AdClickEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Clicks per second through {@link PreAggregateClicks} (filter matching, the partial-count map, and
 * emitting each minute's partials when the watermark closes it), and through the filter matching
 * alone, with the demo's filters plus one.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PreAggregationBenchmark {

    /** 2^18 clicks are 4.4 minutes of event time: several minutes close per pass over the pool. */
    private static final int POOL = 1 << 18;

    /** The operator as the job runs it, after dedup: only unique, on-time clicks reach it. */
    @State(Scope.Thread)
    public static class PreAggregationOperator {

        private OneInputStreamOperatorTestHarness<AdClickEvent, ClickCount> harness;

        private AdClickEvent[] clicks;
        /** Event times of the first pass; later passes add a whole number of {@link #lapMillis}. */
        private long[] clickTs;

        private long lapMillis;

        private final StreamRecord<AdClickEvent> record = new StreamRecord<>(null);
        private int next;
        private long lapOffset;
        private long maxTimestamp = Long.MIN_VALUE;
        private int untilWatermark = Clicks.RECORDS_PER_WATERMARK;

        @Setup(Level.Trial)
        public void open() throws Exception {
            List<AdClickEvent> accepted =
                    Clicks.accepted(Clicks.records(Clicks.clean(POOL, Clicks.CLICKS_PER_SECOND_PER_SUBTASK)));
            clicks = accepted.toArray(new AdClickEvent[0]);
            clickTs = new long[clicks.length];
            for (int i = 0; i < clicks.length; i++) {
                clickTs[i] = clicks[i].getClickTs();
            }
            lapMillis = POOL * 1000L / Clicks.CLICKS_PER_SECOND_PER_SUBTASK;

            harness = new OneInputStreamOperatorTestHarness<>(new PreAggregateClicks(Clicks.filters()));
            harness.setup(NoCopySerializer.of(ClickCount.class));
            harness.open();
        }

        void processNext() throws Exception {
            AdClickEvent click = clicks[next];
            long ts = clickTs[next] + lapOffset;
            // Shifting the pool's event time makes each pass new minutes rather than reopened ones.
            click.setClickTs(ts);
            harness.processElement(record.replace(click, ts));
            maxTimestamp = Math.max(maxTimestamp, ts);
            if (++next == clicks.length) {
                next = 0;
                lapOffset += lapMillis;
            }
            if (--untilWatermark == 0) {
                untilWatermark = Clicks.RECORDS_PER_WATERMARK;
                harness.processWatermark(Clicks.watermarkAfter(maxTimestamp));
                // The harness keeps all output; dropping it keeps the heap (and GC) steady.
                harness.getOutput().clear();
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            harness.close();
        }
    }

    /** The same clicks and filters, for matching alone. */
    @State(Scope.Thread)
    public static class FilterMatching {

        private static final int SIZE = 1 << 16;

        private ClickFilters filters;
        private int[] matched;
        private AdClickEvent[] clicks;
        private int next;

        @Setup(Level.Trial)
        public void generate() {
            filters = Clicks.filters();
            matched = filters.newMatchBuffer();
            clicks = Clicks.accepted(Clicks.records(Clicks.clean(SIZE, Clicks.CLICKS_PER_SECOND_PER_SUBTASK)))
                    .toArray(new AdClickEvent[0]);
        }

        int matchNext() {
            AdClickEvent click = clicks[next];
            next = next + 1 == clicks.length ? 0 : next + 1;
            return filters.matchCount(click, matched);
        }
    }

    @Benchmark
    public void preAggregate(PreAggregationOperator s) throws Exception {
        s.processNext();
    }

    @Benchmark
    public int matchFilters(FilterMatching s) {
        return s.matchNext();
    }
}
