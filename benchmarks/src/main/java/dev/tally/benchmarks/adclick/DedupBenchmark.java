package dev.tally.benchmarks.adclick;

import dev.tally.benchmarks.KeyedHarnessState;
import dev.tally.jobs.adclick.functions.DeduplicateClicks;
import dev.tally.schema.adclick.AdClickEvent;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
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
 * Clicks per second through {@link DeduplicateClicks} in an operator harness, on each state backend:
 * a fingerprint check per click, a write per new click id (its entry under its minute), state
 * lookups for the clicks whose fingerprint is held (the duplicates and rare collisions), and the
 * listing and clearing of each minute's ids as watermarks pass it. Two percent of the records are duplicates.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DedupBenchmark {

    /**
     * 2^20 clicks are 17.5 minutes of event time: longer than the 10-minute horizon plus the
     * watermark's lag, so when the pool repeats (shifted in time) every id has been forgotten and
     * counts as new, and the state stays at its steady size of horizon x rate (~600,000 ids).
     */
    private static final int POOL = 1 << 20;

    private static final double DUPLICATE_RATE = 0.02;

    /** The job's dedup operator with its default horizon and allowed lateness, fed like the job feeds it. */
    @State(Scope.Thread)
    public static class DedupOperator {

        @Param({"hashmap", "rocksdb"})
        public String stateBackend;

        private File tmpDir;
        private MockEnvironment environment;
        private KeyedOneInputStreamOperatorTestHarness<String, AdClickEvent, AdClickEvent> harness;

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
            List<AdClickEvent> accepted = Clicks.accepted(
                    Clicks.records(Clicks.withFaults(POOL, Clicks.CLICKS_PER_SECOND_PER_SUBTASK, DUPLICATE_RATE)));
            clicks = accepted.toArray(new AdClickEvent[0]);
            clickTs = new long[clicks.length];
            for (int i = 0; i < clicks.length; i++) {
                clickTs[i] = clicks[i].getClickTs();
            }
            lapMillis = POOL * 1000L / Clicks.CLICKS_PER_SECOND_PER_SUBTASK;

            // RocksDB's files and its unpacked native library go here, so teardown leaves nothing behind.
            tmpDir = Files.createTempDirectory("tally-dedup-benchmark").toFile();
            environment = KeyedHarnessState.environment("deduplicate-clicks", tmpDir);
            harness = new KeyedOneInputStreamOperatorTestHarness<>(
                    new DeduplicateClicks(DeduplicateClicks.DEFAULT_HORIZON, Duration.ZERO),
                    AdClickEvent::getClickId,
                    Types.STRING,
                    environment);
            harness.setStateBackend(KeyedHarnessState.backend(stateBackend, tmpDir));
            harness.setup(NoCopySerializer.of(AdClickEvent.class));
            harness.open();

            // One horizon of clicks first, so measurement starts with the state at its steady size
            // rather than while it grows (RocksDB would still be growing after the warmup).
            long prefill = DeduplicateClicks.DEFAULT_HORIZON.toSeconds() * Clicks.CLICKS_PER_SECOND_PER_SUBTASK;
            for (long i = 0; i < prefill; i++) {
                processNext();
            }
        }

        void processNext() throws Exception {
            AdClickEvent click = clicks[next];
            long ts = clickTs[next] + lapOffset;
            // Shifting the pool's event time makes each pass new input rather than one long replay.
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
                Queue<?> late = harness.getSideOutput(DeduplicateClicks.LATE);
                if (late != null) {
                    late.clear();
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            KeyedHarnessState.close(harness, environment, tmpDir);
        }
    }

    @Benchmark
    public void deduplicate(DedupOperator s) throws Exception {
        s.processNext();
    }
}
