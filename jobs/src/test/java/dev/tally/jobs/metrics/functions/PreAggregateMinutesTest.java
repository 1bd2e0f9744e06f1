package dev.tally.jobs.metrics.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schema.metrics.MetricKind;
import java.time.Instant;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batching of a series' points per minute before the shuffle: when batches leave, and that nothing is lost or changed. */
class PreAggregateMinutesTest {

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    private OneInputStreamOperatorTestHarness<SeriesPoint, SeriesPoints> harness;

    private static OneInputStreamOperatorTestHarness<SeriesPoint, SeriesPoints> open(
            int maxEntries, OperatorSubtaskState restored) throws Exception {
        OneInputStreamOperatorTestHarness<SeriesPoint, SeriesPoints> harness =
                new OneInputStreamOperatorTestHarness<>(new PreAggregateMinutes(maxEntries));
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
        return harness;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(String key, long ts, double value) throws Exception {
        harness.processElement(new StreamRecord<>(
                new SeriesPoint(
                        key, ts, value, key.endsWith("_total") ? MetricKind.COUNTER : null, key.endsWith("_total")),
                ts));
    }

    /** What left, in order: records as "key@minute: ts=value,..." and watermarks as "W<minutes>". */
    private List<String> output() {
        List<String> out = harness.getOutput().stream()
                .map(o -> {
                    if (o instanceof Watermark w) {
                        return "W" + (w.getTimestamp() - T0) / 1000;
                    }
                    @SuppressWarnings("unchecked")
                    SeriesPoints b = ((StreamRecord<SeriesPoints>) o).getValue();
                    StringBuilder s = new StringBuilder(b.key + "@" + (b.minute - T0) / MINUTE + ":");
                    for (int i = 0; i < b.size(); i++) {
                        SeriesPoint p = b.point(i);
                        s.append(" ")
                                .append((p.ts - T0) / 1000)
                                .append("=")
                                .append(p.value)
                                .append(p.kind == null ? "" : " " + p.kind);
                    }
                    return s.toString();
                })
                .toList();
        harness.getOutput().clear();
        return out;
    }

    @Test
    void aMinutesPointsLeaveTogetherInArrivalOrderBeforeTheWatermarkThatClosesIt() throws Exception {
        harness = open(100, null);
        send("cpu", T0 + 10_000, 2);
        send("x_total", T0 + 5_000, 7);
        send("cpu", T0, 1);
        send("cpu", T0 + 10_000, 2);
        send("cpu", T0 + MINUTE, 3);
        harness.processWatermark(new Watermark(T0 + MINUTE - 2));
        assertThat(output()).containsExactly("W59");
        harness.processWatermark(new Watermark(T0 + MINUTE - 1));
        assertThat(output())
                .containsExactlyInAnyOrder("cpu@0: 10=2.0 0=1.0 10=2.0", "x_total@0: 5=7.0 COUNTER", "W59")
                .endsWith("W59");
        // Behind the watermark: on at once, alone.
        send("cpu", T0 + 30_000, 9);
        assertThat(output()).containsExactly("cpu@0: 30=9.0");
        harness.endInput();
        assertThat(output()).containsExactly("cpu@1: 60=3.0");
    }

    @Test
    void aBatchGrowsPastItsFirstRoomAndLeavesWithExactArrays() throws Exception {
        harness = open(100, null);
        for (int i = 0; i < 10; i++) {
            send("cpu", T0 + i * 1_000L, i);
        }
        harness.endInput();
        @SuppressWarnings("unchecked")
        SeriesPoints batch = ((StreamRecord<SeriesPoints>) harness.getOutput().poll()).getValue();
        assertThat(batch.size()).isEqualTo(10);
        assertThat(batch.ts)
                .hasSize(10)
                .containsExactly(
                        T0,
                        T0 + 1_000,
                        T0 + 2_000,
                        T0 + 3_000,
                        T0 + 4_000,
                        T0 + 5_000,
                        T0 + 6_000,
                        T0 + 7_000,
                        T0 + 8_000,
                        T0 + 9_000);
        assertThat(batch.values).hasSize(10).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(batch.kinds).hasSize(10);
        assertThat(batch.counters).hasSize(10);
        assertThat(batch.latestTs()).isEqualTo(T0 + 9_000);
    }

    @Test
    void moreOpenBatchesThanTheLimitLeaveAtOnce() throws Exception {
        harness = open(2, null);
        send("a", T0, 1);
        send("b", T0, 1);
        send("a", T0 + 1, 2);
        assertThat(output()).isEmpty();
        send("c", T0, 1);
        assertThat(output()).containsExactlyInAnyOrder("a@0: 0=1.0 0=2.0", "b@0: 0=1.0", "c@0: 0=1.0");
    }

    @Test
    void openBatchesSurviveARestore() throws Exception {
        harness = open(100, null);
        send("cpu", T0, 1);
        send("cpu", T0 + 10_000, 2);
        OperatorSubtaskState snapshot = harness.snapshot(1, T0 + 10_000);
        assertThat(output()).isEmpty();
        harness.close();

        harness = open(100, snapshot);
        send("cpu", T0 + 20_000, 3);
        harness.processWatermark(new Watermark(T0 + MINUTE));
        assertThat(output()).containsExactly("cpu@0: 0=1.0 10=2.0 20=3.0", "W60");
    }
}
