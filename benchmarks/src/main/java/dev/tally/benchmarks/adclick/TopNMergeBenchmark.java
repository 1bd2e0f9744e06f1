package dev.tally.benchmarks.adclick;

import dev.tally.jobs.adclick.functions.AdFilterKey;
import dev.tally.jobs.adclick.functions.AdTotal;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.jobs.adclick.functions.LocalTopN;
import dev.tally.jobs.adclick.functions.MergeTopN;
import dev.tally.jobs.adclick.functions.Minutes;
import dev.tally.jobs.adclick.functions.TopCandidates;
import dev.tally.jobs.adclick.functions.TopNOrder;
import dev.tally.jobs.adclick.functions.WindowSum;
import dev.tally.loadgen.GroundTruth;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
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

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The two top-N stages over one hour of Zipf-skewed clicks split over 2 subtasks, N = 100:
 * {@link LocalTopN} selecting a subtask's candidates from its 60-minute window sums (ops = sums
 * offered), and {@link MergeTopN#merge} combining both subtasks' candidates into the final ranking
 * as MergeTopN does on arrival of each list (ops = rankings produced).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
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

    /** LocalTopN of subtask 0, fed its window sums for one window end after another. */
    @State(Scope.Thread)
    public static class LocalSelection {

        private OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> harness;
        private WindowSum[] sums;

        private final StreamRecord<WindowSum> record = new StreamRecord<>(null);
        private int next;
        private long windowEnd;

        @Setup(Level.Trial)
        public void open() throws Exception {
            List<WindowSum> ofSubtask = HourOfClicks.windowSums().get(0);
            sums = ofSubtask.toArray(new WindowSum[0]);
            windowEnd = sums[0].windowEnd;
            harness = new OneInputStreamOperatorTestHarness<>(new LocalTopN(N));
            harness.setup(NoCopySerializer.of(TopCandidates.class));
            harness.open();
        }

        void offerNext() throws Exception {
            WindowSum sum = sums[next];
            sum.windowEnd = windowEnd;
            // RollingWindowSums emits from its timer at window end - 1.
            harness.processElement(record.replace(sum, windowEnd - 1));
            if (++next == sums.length) {
                next = 0;
                harness.processWatermark(windowEnd - 1);
                harness.getOutput().clear();
                // The next minute's sliding window: the same sums again, as a new group.
                windowEnd += Minutes.MILLIS;
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            harness.close();
        }
    }

    /**
     * LocalTopN fed in the order the rolling sums' end-of-input pass emits: each key's sums for
     * window sizes 1, 5 and 60 minutes at every window end that holds its count (66 sums per key),
     * keys of 5 filters one after another, so about 330 groups are open at once.
     */
    @State(Scope.Thread)
    public static class InterleavedSelection {

        private static final int KEYS = 20_000;
        private static final int FILTERS = 5;

        private OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> harness;
        private WindowSum[] sums;
        private long lastWindowEnd;

        private final StreamRecord<WindowSum> record = new StreamRecord<>(null);
        private int next;

        @Setup(Level.Trial)
        public void open() throws Exception {
            List<WindowSum> ofSubtask = HourOfClicks.windowSums().get(0);
            long firstWindowEnd = ofSubtask.get(0).windowEnd;
            List<WindowSum> interleaved = new ArrayList<>();
            for (int key = 0; key < Math.min(KEYS, ofSubtask.size()); key++) {
                WindowSum of = ofSubtask.get(key);
                int filter = key % FILTERS;
                for (int end = 0; end < WINDOW_MINUTES; end++) {
                    long windowEnd = firstWindowEnd + end * Minutes.MILLIS;
                    for (int size : new int[] {1, 5, WINDOW_MINUTES}) {
                        if (end < size) {
                            interleaved.add(new WindowSum(filter, size, windowEnd, of.adId, of.sum));
                        }
                    }
                }
            }
            sums = interleaved.toArray(new WindowSum[0]);
            lastWindowEnd = firstWindowEnd + (WINDOW_MINUTES - 1) * Minutes.MILLIS;
            harness = new OneInputStreamOperatorTestHarness<>(new LocalTopN(N));
            harness.setup(NoCopySerializer.of(TopCandidates.class));
            harness.open();
        }

        void offerNext() throws Exception {
            WindowSum sum = sums[next];
            harness.processElement(record.replace(sum, sum.windowEnd - 1));
            if (++next == sums.length) {
                next = 0;
                // Every group is flushed; the next pass opens them again.
                harness.processWatermark(lastWindowEnd - 1);
                harness.getOutput().clear();
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            harness.close();
        }
    }

    /** What LocalTopN of each subtask sends for one window end: its best N, best first. */
    @State(Scope.Thread)
    public static class CandidateLists {

        private List<AdTotal> fromSubtask0;
        private List<AdTotal> fromSubtask1;

        @Setup(Level.Trial)
        public void select() {
            List<List<WindowSum>> bySubtask = HourOfClicks.windowSums();
            fromSubtask0 = best(bySubtask.get(0));
            fromSubtask1 = best(bySubtask.get(1));
        }

        private static List<AdTotal> best(List<WindowSum> sums) {
            List<AdTotal> all = new ArrayList<>(sums.size());
            for (WindowSum sum : sums) {
                all.add(new AdTotal(sum.adId, sum.sum));
            }
            all.sort(TopNOrder.INSTANCE);
            return new ArrayList<>(all.subList(0, Math.min(N, all.size())));
        }
    }

    @Benchmark
    public void localTopN(LocalSelection s) throws Exception {
        s.offerNext();
    }

    @Benchmark
    public void localTopNInterleaved(InterleavedSelection s) throws Exception {
        s.offerNext();
    }

    @Benchmark
    public List<AdTotal> mergeTopN(CandidateLists c) {
        List<AdTotal> best = MergeTopN.merge(N, List.of(List.of(), c.fromSubtask0));
        return MergeTopN.merge(N, List.of(best, c.fromSubtask1));
    }

    /** One generated hour of clicks as 60-minute window sums of filter 0, split as keyBy splits them. */
    static final class HourOfClicks {

        private static List<List<WindowSum>> windowSums;

        private HourOfClicks() {}

        static synchronized List<List<WindowSum>> windowSums() {
            if (windowSums == null) {
                windowSums = generate();
            }
            return windowSums;
        }

        private static List<List<WindowSum>> generate() {
            GroundTruth truth =
                    Clicks.truth(Clicks.clean(CLICKS_PER_HOUR, CLICKS_PER_HOUR / (WINDOW_MINUTES * 60)));
            long lastMinute = Long.MIN_VALUE;
            for (GroundTruth.CountKey key : truth.counts().keySet()) {
                lastMinute = Math.max(lastMinute, key.minute());
            }
            long windowEnd = lastMinute + Minutes.MILLIS;
            long windowStart = windowEnd - WINDOW_MINUTES * Minutes.MILLIS;
            Map<String, Long> perAd = new HashMap<>();
            for (Map.Entry<GroundTruth.CountKey, Long> count : truth.counts().entrySet()) {
                if (count.getKey().minute() >= windowStart) {
                    perAd.merge(count.getKey().adId(), count.getValue(), Long::sum);
                }
            }

            List<List<WindowSum>> bySubtask = new ArrayList<>();
            for (int i = 0; i < SUBTASKS; i++) {
                bySubtask.add(new ArrayList<>());
            }
            for (Map.Entry<String, Long> ad : perAd.entrySet()) {
                int subtask =
                        KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                new AdFilterKey(ad.getKey(), ClickFilters.ALL_CLICKS), MAX_PARALLELISM, SUBTASKS);
                bySubtask.get(subtask)
                        .add(new WindowSum(ClickFilters.ALL_CLICKS, WINDOW_MINUTES, windowEnd, ad.getKey(), ad.getValue()));
            }
            // Timers fire in no particular count order; sorted input would flatter the bounded heap.
            Random random = new Random(7);
            for (List<WindowSum> sums : bySubtask) {
                Collections.shuffle(sums, random);
            }
            return bySubtask;
        }
    }
}
