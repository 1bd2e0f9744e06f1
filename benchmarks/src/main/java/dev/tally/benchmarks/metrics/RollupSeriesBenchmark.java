package dev.tally.benchmarks.metrics;

import dev.tally.benchmarks.KeyedHarnessState;
import dev.tally.jobs.metrics.functions.RollupSeries;
import dev.tally.jobs.metrics.functions.SeriesPoint;
import dev.tally.jobs.metrics.functions.SeriesPoints;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.schema.metrics.MetricRollup;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
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
 * {@link RollupSeries}, the metrics job's keyed rollup stage, in an operator harness as one subtask
 * sees it, every series-minute one batch of six points (a 10 s interval), its life from first batch
 * to the end of its hour's allowed lateness (5 min): state and timers written, minutes and the hour
 * closed and emitted, everything expired. The batches are built before each shot, which measures the
 * stage alone.
 *
 * <ul>
 *   <li>{@code twoMinutesThenAJump}: the workload as `./tally bench metrics --hosts 5555`
 *       gives it to one of two subtasks: 100,000 series with two minutes each, then the watermark
 *       past the hour's lateness at once (the bench's closing points move it so).
 *   <li>{@code anHour}: fewer series living a whole hour, the watermark a minute at a time, then
 *       past the hour's lateness: the minutes of a long-lived series.
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class RollupSeriesBenchmark {

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 3_600_000L;
    private static final Duration LATENESS = Duration.ofMinutes(5);
    private static final long START = Instant.parse("2026-12-08T00:00:00Z").toEpochMilli();

    /** A fresh rollup stage per iteration: each measures a whole life, on empty state. */
    @State(Scope.Thread)
    public abstract static class Stage {

        @Param({"rocksdb"})
        public String stateBackend;

        private File tmpDir;
        private MockEnvironment environment;
        private KeyedOneInputStreamOperatorTestHarness<String, SeriesPoints, MetricRollup> harness;
        /** The batches of each minute, built before the shot so it measures the stage alone. */
        private SeriesPoints[][] minutes;

        abstract int series();

        abstract int minuteCount();

        @Setup(Level.Iteration)
        public void open() throws Exception {
            minutes = new SeriesPoints[minuteCount()][];
            for (int m = 0; m < minutes.length; m++) {
                minutes[m] = batches(series(), START + m * MINUTE);
            }
            tmpDir = Files.createTempDirectory("tally-rollup-benchmark").toFile();
            environment = KeyedHarnessState.environment("rollup-series", tmpDir);
            harness = new KeyedOneInputStreamOperatorTestHarness<>(
                    new KeyedProcessOperator<>(new RollupSeries(LATENESS, "metrics")),
                    (SeriesPoints batch) -> batch.key,
                    Types.STRING,
                    environment);
            harness.setStateBackend(KeyedHarnessState.backend(stateBackend, tmpDir));
            harness.open();
        }

        /** Every series' batch of the {@code m}th minute. */
        void minute(int m) throws Exception {
            for (SeriesPoints batch : minutes[m]) {
                harness.processElement(new StreamRecord<>(batch, batch.minute));
            }
        }

        void watermark(long ts) throws Exception {
            harness.processWatermark(new Watermark(ts));
            harness.getOutput().clear();
            if (harness.getSideOutput(RollupSeries.RAW) != null) {
                harness.getSideOutput(RollupSeries.RAW).clear();
            }
        }

        @TearDown(Level.Iteration)
        public void close() throws Exception {
            KeyedHarnessState.close(harness, environment, tmpDir);
        }
    }

    /** 100,000 series with two minutes each. */
    @State(Scope.Thread)
    public static class ShortLived extends Stage {
        @Override
        int series() {
            return 100_000;
        }

        @Override
        int minuteCount() {
            return 2;
        }
    }

    /** 3,000 series through a whole hour. */
    @State(Scope.Thread)
    public static class HourLong extends Stage {
        @Override
        int series() {
            return 3_000;
        }

        @Override
        int minuteCount() {
            return 60;
        }
    }

    /** One batch of six points (a 10 s interval) for each of {@code series} series in {@code minute}. */
    private static SeriesPoints[] batches(int series, long minute) {
        SeriesPoints[] batches = new SeriesPoints[series];
        for (int s = 0; s < series; s++) {
            String host = String.format("host-%06d", s);
            for (int i = 0; i < 6; i++) {
                SeriesPoint point = SeriesPoint.of(new MetricPoint(
                        "cpu_load", Map.of("host", host), minute + i * 10_000L, (double) (s + i), null));
                if (i == 0) {
                    batches[s] = SeriesPoints.of(point);
                } else {
                    batches[s].add(point);
                }
            }
        }
        return batches;
    }

    @Benchmark
    public void twoMinutesThenAJump(ShortLived s) throws Exception {
        s.minute(0);
        s.minute(1);
        s.watermark(START + HOUR + LATENESS.toMillis());
    }

    @Benchmark
    public void anHour(HourLong s) throws Exception {
        for (int m = 0; m < 60; m++) {
            s.minute(m);
            s.watermark(START + (m + 1) * MINUTE - 1);
        }
        s.watermark(START + HOUR + LATENESS.toMillis());
    }
}
