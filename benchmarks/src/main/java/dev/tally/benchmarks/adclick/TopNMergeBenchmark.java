package dev.tally.benchmarks.adclick;

import dev.tally.benchmarks.KeyedHarnessState;
import dev.tally.jobs.adclick.functions.AdFilterKey;
import dev.tally.jobs.adclick.functions.AdTotal;
import dev.tally.jobs.adclick.functions.ClickCount;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.jobs.adclick.functions.MergeTopN;
import dev.tally.jobs.adclick.functions.Minutes;
import dev.tally.jobs.adclick.functions.RollingTopCandidates;
import dev.tally.jobs.adclick.functions.TopCandidates;
import dev.tally.jobs.adclick.functions.TopNOrder;
import dev.tally.loadgen.GroundTruth;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two top-N stages over Zipf-skewed clicks split over 2 subtasks, N = 100:
 * {@link RollingTopCandidates} summing subtask 0's keys over windows of 1, 5 and 60 minutes and
 * selecting its candidates, one event-time minute at a time (ops = minutes), and {@link
 * MergeTopN#merge} combining both subtasks' candidates into the final ranking as MergeTopN does on
 * arrival of each list (ops = rankings produced).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TopNMergeBenchmark {

    private static final int N = MergeTopN.DEFAULT_TOP_N;
    private static final int SUBTASKS = 2;
    private static final int MAX_PARALLELISM = 128;
    private static final int WINDOW_MINUTES = 60;

    /**
     * 2^20 clicks in the hour (~290/s), fewer than the demo's 2,000/s: generating 7.2 million would
     * make setup slow, and only the number of distinct ads (a few hundred thousand either way) and
     * the skew of their sums matter to these stages.
     */
    private static final int CLICKS_PER_HOUR = 1 << 20;

    /**
     * RollingTopCandidates of subtask 0, fed the hour's final per-minute counts of filter 0 one minute
     * at a time, each minute closed by a watermark that sums every key holding a count in the last
     * hour. The hour repeats shifted in event time; one hour goes in first, so the state is at its
     * steady size (every ad of the last hour) when measurement starts.
     */
    @State(Scope.Thread)
    public static class RollingSelection {

        @Param({"hashmap", "rocksdb"})
        public String stateBackend;

        private File tmpDir;
        private MockEnvironment environment;
        private KeyedOneInputStreamOperatorTestHarness<AdFilterKey, ClickCount, TopCandidates> harness;
        private List<ClickCount[]> minutes;

        private final StreamRecord<ClickCount> record = new StreamRecord<>(null);
        private int next;
        private long lapOffset;

        @Setup(Level.Trial)
        public void open() throws Exception {
            minutes = HourOfClicks.get().minutesOfSubtask0;
            tmpDir = Files.createTempDirectory("tally-top-n-benchmark").toFile();
            environment = KeyedHarnessState.environment("rolling-top-candidates", tmpDir);
            harness = new KeyedOneInputStreamOperatorTestHarness<>(
                    new RollingTopCandidates(N, Duration.ZERO, RollingTopCandidates.DEFAULT_WINDOW_MINUTES),
                    new AdFilterKey.Selector(),
                    TypeInformation.of(AdFilterKey.class),
                    environment);
            harness.setStateBackend(KeyedHarnessState.backend(stateBackend, tmpDir));
            harness.setup(NoCopySerializer.of(TopCandidates.class));
            harness.open();
            for (int i = 0; i < WINDOW_MINUTES; i++) {
                nextMinute();
            }
        }

        void nextMinute() throws Exception {
            long minute = 0;
            for (ClickCount count : minutes.get(next)) {
                minute = count.minute + lapOffset;
                ClickCount shifted = ClickCount.forFilter(count.adId, count.filterId, minute, count.count);
                harness.processElement(record.replace(shifted, Minutes.maxTimestamp(minute)));
            }
            harness.processWatermark(Minutes.maxTimestamp(minute));
            // The harness keeps all output; dropping it keeps the heap (and GC) steady.
            harness.getOutput().clear();
            var filterCounts = harness.getSideOutput(RollingTopCandidates.FILTER_COUNTS);
            if (filterCounts != null) {
                filterCounts.clear();
            }
            if (++next == minutes.size()) {
                next = 0;
                lapOffset += minutes.size() * Minutes.MILLIS;
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            KeyedHarnessState.close(harness, environment, tmpDir);
        }
    }

    /** What the first stage of each subtask sends for one 60-minute window: its best N, best first. */
    @State(Scope.Thread)
    public static class CandidateLists {

        private List<AdTotal> fromSubtask0;
        private List<AdTotal> fromSubtask1;

        @Setup(Level.Trial)
        public void select() {
            List<List<AdTotal>> bySubtask = HourOfClicks.get().hourSumsBySubtask;
            fromSubtask0 = best(bySubtask.get(0));
            fromSubtask1 = best(bySubtask.get(1));
        }

        private static List<AdTotal> best(List<AdTotal> sums) {
            List<AdTotal> all = new ArrayList<>(sums);
            all.sort(TopNOrder.INSTANCE);
            return new ArrayList<>(all.subList(0, Math.min(N, all.size())));
        }
    }

    @Benchmark
    public void rollingTopCandidates(RollingSelection s) throws Exception {
        s.nextMinute();
    }

    @Benchmark
    public List<AdTotal> mergeTopN(CandidateLists c) {
        List<AdTotal> best = MergeTopN.merge(N, List.of(List.of(), c.fromSubtask0));
        return MergeTopN.merge(N, List.of(best, c.fromSubtask1));
    }

    /** One generated hour of clicks of filter 0, split as keyBy splits them. */
    static final class HourOfClicks {

        private static HourOfClicks hour;

        /** Subtask 0's final count of each ad with clicks in the minute, for each minute in order. */
        final List<ClickCount[]> minutesOfSubtask0 = new ArrayList<>();

        /** Each subtask's ads with their count over the hour: the 60-minute window at its end. */
        final List<List<AdTotal>> hourSumsBySubtask = new ArrayList<>();

        private HourOfClicks() {
            GroundTruth truth = Clicks.truth(Clicks.clean(CLICKS_PER_HOUR, CLICKS_PER_HOUR / (WINDOW_MINUTES * 60)));
            TreeMap<Long, List<ClickCount>> byMinute = new TreeMap<>();
            List<Map<String, Long>> perAd = new ArrayList<>();
            for (int i = 0; i < SUBTASKS; i++) {
                perAd.add(new HashMap<>());
            }
            for (Map.Entry<GroundTruth.CountKey, Long> count : truth.counts().entrySet()) {
                GroundTruth.CountKey key = count.getKey();
                int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(
                        new AdFilterKey(key.adId(), ClickFilters.ALL_CLICKS), MAX_PARALLELISM, SUBTASKS);
                perAd.get(subtask).merge(key.adId(), count.getValue(), Long::sum);
                if (subtask == 0) {
                    byMinute.computeIfAbsent(key.minute(), m -> new ArrayList<>())
                            .add(ClickCount.forFilter(
                                    key.adId(), ClickFilters.ALL_CLICKS, key.minute(), count.getValue()));
                }
            }
            for (List<ClickCount> counts : byMinute.values()) {
                minutesOfSubtask0.add(counts.toArray(new ClickCount[0]));
            }
            for (Map<String, Long> sums : perAd) {
                List<AdTotal> totals = new ArrayList<>(sums.size());
                sums.forEach((adId, sum) -> totals.add(new AdTotal(adId, sum)));
                hourSumsBySubtask.add(totals);
            }
        }

        static synchronized HourOfClicks get() {
            if (hour == null) {
                hour = new HourOfClicks();
            }
            return hour;
        }
    }
}
