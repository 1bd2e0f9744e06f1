package dev.tally.jobs.metrics.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.jobs.kit.CapturedMetrics;
import dev.tally.jobs.kit.HarnessState;
import dev.tally.jobs.metrics.PointsBlock;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.schema.metrics.MetricRollup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One series' rollups: when minutes and hours are emitted, late points, conflicts in either order, cleanup, restore. */
class RollupSeriesTest {

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 3_600_000L;
    private static final Duration LATENESS = Duration.ofMinutes(5);
    private static final String CPU = "cpu{host=\"a\"}";
    private static final String REQUESTS = "requests_total{host=\"a\"}";

    private KeyedOneInputStreamOperatorTestHarness<String, SeriesPoints, MetricRollup> harness;
    private MockEnvironment environment;

    @TempDir
    Path tmp;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SeriesPoints, MetricRollup> newHarness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RollupSeries(LATENESS, "metrics")), batch -> batch.key, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
        if (environment != null) {
            environment.close();
        }
    }

    /** Replaces the default harness with one on {@code backend} ("hashmap" or "rocksdb") and {@code lateness}. */
    private void reopenOn(String backend, Duration lateness) throws Exception {
        harness.close();
        environment = HarnessState.environment(new CapturedMetrics(), tmp);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RollupSeries(lateness, "metrics")),
                batch -> batch.key,
                Types.STRING,
                environment);
        HarnessState.use(harness, backend, tmp);
        harness.open();
    }

    private void send(String key, long ts, double value) throws Exception {
        SeriesPoint point = SeriesPoint.of(new MetricPoint(
                SeriesKeys.parse(key).name(), SeriesKeys.parse(key).labels(), ts, value, null));
        harness.processElement(new StreamRecord<>(SeriesPoints.of(point), ts));
    }

    private void watermark(long ts) throws Exception {
        harness.processWatermark(new Watermark(ts));
    }

    /** Emitted rollups as "resolution@minutes-after-T0 count/sum[/increase]", cleared after reading. */
    private List<String> emitted() {
        List<String> rollups = harness.extractOutputValues().stream()
                .map(r -> r.getSeriesKey() + " " + r.getResolution() + "@" + (r.getBucketStart() - T0) / MINUTE + " "
                        + r.getCount() + "/" + r.getSum()
                        + (r.getIncrease() == null ? "" : "/+" + r.getIncrease() + "/" + r.getResets() + "r"))
                .toList();
        harness.getOutput().clear();
        return rollups;
    }

    @Test
    void aMinuteWhenTheWatermarkPassesItsEndAndTheHourWhenItPassesTheHours() throws Exception {
        send(CPU, T0 + 1_000, 2);
        send(CPU, T0 + 11_000, 4);
        send(CPU, T0 + MINUTE, 8);
        watermark(T0 + MINUTE - 2);
        assertThat(emitted()).isEmpty();
        watermark(T0 + MINUTE - 1);
        assertThat(emitted()).containsExactly(CPU + " 1m@0 2/6.0");
        watermark(T0 + HOUR - 1);
        assertThat(emitted()).containsExactly(CPU + " 1m@1 1/8.0", CPU + " 1h@0 3/14.0");
    }

    @Test
    void aCountersResetOnAMinutesEdgeCountsInTheHourNotTheMinute() throws Exception {
        send(REQUESTS, T0, 100);
        send(REQUESTS, T0 + 30_000, 110);
        send(REQUESTS, T0 + MINUTE, 3);
        send(REQUESTS, T0 + MINUTE + 30_000, 7);
        watermark(T0 + HOUR);
        assertThat(emitted())
                .containsExactly(
                        REQUESTS + " 1m@0 2/210.0/+10.0/0r",
                        REQUESTS + " 1m@1 2/10.0/+4.0/0r",
                        REQUESTS + " 1h@0 4/220.0/+17.0/1r");
    }

    @Test
    void aPointWithinTheLatenessReEmitsItsMinuteAndItsHourAndALaterOneIsLate() throws Exception {
        send(CPU, T0 + HOUR - MINUTE, 1);
        watermark(T0 + HOUR + 2 * MINUTE);
        assertThat(emitted()).containsExactly(CPU + " 1m@59 1/1.0", CPU + " 1h@0 1/1.0");

        send(CPU, T0 + HOUR - 30_000, 2); // the minute closed 2 min ago: within 5
        send(CPU, T0 + 10 * MINUTE, 4); // a minute without samples, 52 min ago: late
        assertThat(emitted()).containsExactly(CPU + " 1m@59 2/3.0", CPU + " 1h@0 2/3.0");
        assertThat(late()).containsExactly(T0 + 10 * MINUTE);

        watermark(T0 + HOUR + 4 * MINUTE);
        send(CPU, T0 + HOUR - 1, 8); // lateness ends at minute end - 1 ms + 5 min: the watermark is before it
        assertThat(emitted()).containsExactly(CPU + " 1m@59 3/11.0", CPU + " 1h@0 3/11.0");
        watermark(T0 + HOUR + 5 * MINUTE - 1);
        send(CPU, T0 + HOUR - 1, 0);
        assertThat(emitted()).isEmpty();
        assertThat(late()).containsExactly(T0 + HOUR - 1);
    }

    /** With each minute rollup its samples: in ts order, the conflict settled, written whole again when a late point comes. */
    @Test
    void eachMinuteRollupComesWithTheMinutesSamples() throws Exception {
        send(CPU, T0 + 20_000, 2);
        send(CPU, T0 + 10_000, 1);
        send(CPU, T0 + 20_000, 1.5); // a conflict: the smaller value is the sample
        send(CPU, T0 + 10_000, 1); // a duplicate
        watermark(T0 + MINUTE - 1);
        assertThat(raw()).containsExactly(CPU + " @0 [" + (T0 + 10_000) + "=1.0, " + (T0 + 20_000) + "=1.5]");

        send(CPU, T0 + 5_000, 4); // within the lateness
        assertThat(raw())
                .containsExactly(
                        CPU + " @0 [" + (T0 + 5_000) + "=4.0, " + (T0 + 10_000) + "=1.0, " + (T0 + 20_000) + "=1.5]");
        watermark(T0 + HOUR);
        assertThat(raw()).isEmpty(); // the hour's rollup has no raw minute of its own
    }

    /** The raw minutes emitted as "key @minutes-after-T0 [ts=value, ...]", each block's count checked, cleared after reading. */
    private List<String> raw() {
        List<String> minutes = harness.getSideOutput(RollupSeries.RAW).stream()
                .map(StreamRecord::getValue)
                .map(r -> {
                    PointsBlock.Points points = PointsBlock.decode(r.points);
                    assertThat(points.size()).isEqualTo(r.count);
                    assertThat(r.name).isEqualTo(SeriesKeys.parse(r.seriesKey).name());
                    return r.seriesKey + " @" + (r.minute - T0) / MINUTE + " " + points;
                })
                .toList();
        harness.getSideOutput(RollupSeries.RAW).clear();
        return minutes;
    }

    @Test
    void aLatePointInAnHourNotYetClosedWaitsForTheHour() throws Exception {
        send(CPU, T0 + 5 * MINUTE, 1);
        watermark(T0 + 7 * MINUTE);
        assertThat(emitted()).containsExactly(CPU + " 1m@5 1/1.0");
        send(CPU, T0 + 3 * MINUTE, 2); // a new minute, already closed
        assertThat(emitted()).containsExactly(CPU + " 1m@3 1/2.0");
        watermark(T0 + HOUR - 1);
        assertThat(emitted()).containsExactly(CPU + " 1h@0 2/3.0");
    }

    @Test
    void conflictingValuesSettleTheSameWayInEitherOrder() throws Exception {
        send(CPU, T0, 5);
        send(CPU, T0, 9);
        send(CPU, T0, 3);
        send(CPU, T0, 5);
        send(CPU, T0, 3);
        send("cpu{host=\"b\"}", T0, 9);
        send("cpu{host=\"b\"}", T0, 3);
        send("cpu{host=\"b\"}", T0, 5);
        send("cpu{host=\"b\"}", T0, 9);
        watermark(T0 + HOUR);

        assertThat(emitted())
                .containsExactlyInAnyOrder(
                        CPU + " 1m@0 1/3.0",
                        CPU + " 1h@0 1/3.0",
                        "cpu{host=\"b\"} 1m@0 1/3.0",
                        "cpu{host=\"b\"} 1h@0 1/3.0");
        assertThat(conflicts())
                .containsExactlyInAnyOrder(CPU + "=5.0", CPU + "=9.0", "cpu{host=\"b\"}=9.0", "cpu{host=\"b\"}=5.0");
    }

    @Test
    void aBatchOfAMinutesPointsSettlesAsTheSamePointsOneAtATime() throws Exception {
        SeriesPoints batch = null;
        for (double value : new double[] {5, 9, 3, 5, 3}) {
            SeriesPoint point = SeriesPoint.of(new MetricPoint("cpu", java.util.Map.of("host", "a"), T0, value, null));
            if (batch == null) {
                batch = SeriesPoints.of(point);
            } else {
                batch.add(point);
            }
        }
        batch.add(SeriesPoint.of(new MetricPoint("cpu", java.util.Map.of("host", "a"), T0 + 10_000, 4.0, null)));
        harness.processElement(new StreamRecord<>(batch, T0 + 10_000));
        watermark(T0 + HOUR);
        assertThat(emitted()).containsExactly(CPU + " 1m@0 2/7.0", CPU + " 1h@0 2/7.0");
        assertThat(conflicts()).containsExactlyInAnyOrder(CPU + "=5.0", CPU + "=9.0");
    }

    @Test
    void stateAndTimersAreGoneOnceTheHoursLatenessHasPassed() throws Exception {
        send(CPU, T0 + 30 * MINUTE, 1);
        send(REQUESTS, T0 + 59 * MINUTE, 1);
        watermark(T0 + HOUR + 5 * MINUTE - 2);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        watermark(T0 + HOUR + 5 * MINUTE - 1);
        assertNothingLeft("hashmap");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void oneWatermarkPastAnHoursLatenessEmitsEverythingOnceAndLeavesNothing(String backend) throws Exception {
        reopenOn(backend, LATENESS);
        send(CPU, T0 + 30 * MINUTE, 1);
        send(CPU, T0 + 31 * MINUTE, 2);
        send(REQUESTS, T0 + 59 * MINUTE, 1);
        // The hour's expiry is registered when the hour closes, inside this same advance.
        watermark(T0 + 2 * HOUR);
        assertThat(emitted())
                .containsExactlyInAnyOrder(
                        CPU + " 1m@30 1/1.0",
                        CPU + " 1m@31 1/2.0",
                        CPU + " 1h@0 2/3.0",
                        REQUESTS + " 1m@59 1/1.0/+0.0/0r",
                        REQUESTS + " 1h@0 1/1.0/+0.0/0r");
        assertNothingLeft(backend);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void anHoursExpiryKeepsTheNextHoursMinutes(String backend) throws Exception {
        reopenOn(backend, LATENESS);
        send(CPU, T0 + 58 * MINUTE, 1);
        send(CPU, T0 + HOUR, 2);
        send(CPU, T0 + HOUR + 2 * MINUTE, 4);
        watermark(T0 + HOUR + 5 * MINUTE - 1); // hour 0 expires; minutes 60 and 62 have closed
        assertThat(emitted())
                .containsExactly(CPU + " 1m@58 1/1.0", CPU + " 1h@0 1/1.0", CPU + " 1m@60 1/2.0", CPU + " 1m@62 1/4.0");
        watermark(T0 + 2 * HOUR - 1);
        assertThat(emitted()).containsExactly(CPU + " 1h@60 2/6.0");
        watermark(T0 + 2 * HOUR + 5 * MINUTE - 1);
        assertNothingLeft(backend);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void withoutLatenessAnHourIsEmittedOnceAndForgottenAtItsClose(String backend) throws Exception {
        reopenOn(backend, Duration.ZERO);
        send(CPU, T0 + 10 * MINUTE, 1);
        send(CPU, T0 + 59 * MINUTE, 2);
        watermark(T0 + HOUR - 1);
        assertThat(emitted()).containsExactly(CPU + " 1m@10 1/1.0", CPU + " 1m@59 1/2.0", CPU + " 1h@0 2/3.0");
        assertNothingLeft(backend);
    }

    /**
     * The end of input emits the minute and the hour once and leaves no timer. (That no expiry is
     * registered there only shows in BATCH mode, whose timer service would warn; a streaming harness
     * fires such a timer at once.)
     */
    @Test
    void theEndOfInputEmitsTheMinuteAndTheHourOnceAndLeavesNoTimer() throws Exception {
        send(CPU, T0 + 30 * MINUTE, 1);
        watermark(Long.MAX_VALUE);
        assertThat(emitted()).containsExactly(CPU + " 1m@30 1/1.0", CPU + " 1h@0 1/1.0");
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    /** No timer, and no state entry where the backend can count them (the heap's; RocksDB's harness cannot). */
    private void assertNothingLeft(String backend) throws Exception {
        assertThat(harness.numEventTimeTimers()).isZero();
        if (backend.equals("hashmap")) {
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void aRestoredOperatorCarriesOnWithTheSameSamples() throws Exception {
        send(CPU, T0, 5);
        watermark(T0 + MINUTE);
        emitted();
        OperatorSubtaskState snapshot = harness.snapshot(1, T0 + MINUTE);
        harness.close();

        harness = newHarness();
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        // Before any watermark reaches the restored operator: it still knows the minute was emitted.
        send(CPU, T0, 3); // conflicts with the restored sample
        send(CPU, T0 + 1_000, 4);
        send(CPU, T0 - 5 * MINUTE, 4); // late as before the restore
        assertThat(emitted()).containsExactly(CPU + " 1m@0 1/3.0", CPU + " 1m@0 2/7.0");
        assertThat(late()).containsExactly(T0 - 5 * MINUTE);
        assertThat(conflicts()).containsExactly(CPU + "=5.0");
        watermark(T0 + HOUR);
        assertThat(emitted()).containsExactly(CPU + " 1h@0 2/7.0");
    }

    private List<Long> late() {
        List<Long> late = harness.getSideOutput(RollupSeries.LATE).stream()
                .map(r -> r.getValue().getTs())
                .toList();
        harness.getSideOutput(RollupSeries.LATE).clear();
        return late;
    }

    private List<String> conflicts() {
        AvroCodec<MetricPoint> codec = AvroCodec.of(MetricPoint.class);
        return harness.getSideOutput(RollupSeries.CONFLICTS).stream()
                .map(StreamRecord::getValue)
                .map(letter -> {
                    assertThat(letter.getReason()).isEqualTo("CONFLICTING_SAMPLE");
                    byte[] bytes = new byte[letter.getOriginal().remaining()];
                    letter.getOriginal().duplicate().get(bytes);
                    MetricPoint point = decode(codec, bytes);
                    return SeriesKeys.of(point.getName(), point.getLabels()) + "=" + point.getValue();
                })
                .toList();
    }

    private static MetricPoint decode(AvroCodec<MetricPoint> codec, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
