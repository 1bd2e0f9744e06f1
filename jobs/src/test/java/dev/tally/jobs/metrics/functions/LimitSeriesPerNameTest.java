package dev.tally.jobs.metrics.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.metrics.MetricPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cardinality guard: admission by first minute then key, whatever the arrival order; hours; late batches; restore. */
class LimitSeriesPerNameTest {

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 3_600_000L;
    private static final Duration LATENESS = Duration.ofMinutes(5);

    private KeyedOneInputStreamOperatorTestHarness<String, SeriesPoints, SeriesPoints> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SeriesPoints, SeriesPoints> newHarness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LimitSeriesPerName(2, LATENESS, "metrics")),
                LimitSeriesPerName::keyOf,
                Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static String session(String id) {
        return "sessions{id=\"" + id + "\"}";
    }

    private void send(String key, long ts, double value) throws Exception {
        SeriesKeys.Series series = SeriesKeys.parse(key);
        harness.processElement(new StreamRecord<>(
                SeriesPoints.of(SeriesPoint.of(new MetricPoint(series.name(), series.labels(), ts, value, null))), ts));
    }

    private void watermark(long ts) throws Exception {
        harness.processWatermark(new Watermark(ts));
    }

    /** Batches passed on, as "key@minutes-after-T0" (with " late" when marked), cleared after reading. */
    private List<String> passed() {
        List<String> out = harness.extractOutputValues().stream()
                .map(b -> b.key + "@" + (b.minute - T0) / MINUTE + (b.late ? " late" : ""))
                .toList();
        harness.getOutput().clear();
        return out;
    }

    /** Dead letters as the points they hold, "key@seconds-after-T0=value", cleared after reading. */
    private List<String> limited() throws Exception {
        AvroCodec<MetricPoint> codec = AvroCodec.of(MetricPoint.class);
        List<String> out = new ArrayList<>();
        for (StreamRecord<DeadLetter> record : harness.getSideOutput(LimitSeriesPerName.LIMITED)) {
            DeadLetter d = record.getValue();
            assertThat(d.getReason()).isEqualTo(LimitSeriesPerName.REASON);
            byte[] original = new byte[d.getOriginal().remaining()];
            d.getOriginal().duplicate().get(original);
            MetricPoint p = codec.decode(original);
            out.add(SeriesKeys.of(p.getName(), p.getLabels()) + "@" + (p.getTs() - T0) / 1000 + "=" + p.getValue());
        }
        harness.getSideOutput(LimitSeriesPerName.LIMITED).clear();
        return out;
    }

    @Test
    void theFirstSeriesOfTheHourByFirstMinuteThenKeyAreAdmittedWhateverTheArrivalOrder() throws Exception {
        send(session("c"), T0 + MINUTE + 1_000, 1); // first in minute 1
        send(session("z"), T0 + 2_000, 2); // first in minute 0
        send(session("b"), T0 + MINUTE + 3_000, 3);
        send(session("a"), T0 + MINUTE + 4_000, 4);
        watermark(T0 + MINUTE - 2);
        assertThat(passed()).isEmpty(); // held until their first minute closes
        watermark(T0 + MINUTE - 1);
        assertThat(passed()).containsExactly(session("z") + "@0");
        watermark(T0 + 2 * MINUTE - 1);
        // Minute 1's new series in key order: a takes the last place, b and c are over the limit.
        assertThat(passed()).containsExactly(session("a") + "@1");
        assertThat(limited()).containsExactlyInAnyOrder(session("b") + "@63=3.0", session("c") + "@61=1.0");

        send(session("z"), T0 + 2 * MINUTE + 5_000, 5);
        send(session("b"), T0 + 2 * MINUTE + 6_000, 6);
        assertThat(passed()).containsExactly(session("z") + "@2"); // decided: no waiting
        assertThat(limited()).containsExactly(session("b") + "@126=6.0");
    }

    @Test
    void otherNamesAndTheNextHourStartOver() throws Exception {
        send(session("a"), T0, 1);
        send(session("b"), T0, 1);
        send(session("c"), T0, 1);
        send("users{id=\"x\"}", T0, 1);
        watermark(T0 + MINUTE - 1);
        assertThat(passed()).containsExactlyInAnyOrder(session("a") + "@0", session("b") + "@0", "users{id=\"x\"}@0");
        assertThat(limited()).containsExactly(session("c") + "@0=1.0");

        send(session("c"), T0 + HOUR, 1);
        watermark(T0 + HOUR + MINUTE - 1);
        assertThat(passed()).containsExactly(session("c") + "@60");
    }

    @Test
    void aNewSeriesWhoseFirstMinuteClosedIsDecidedAtOnceWhileTheHourHasRoom() throws Exception {
        watermark(T0 + 2 * MINUTE);
        send(session("b"), T0 + 1_000, 1); // within the lateness
        assertThat(passed()).containsExactly(session("b") + "@0");
        send(session("a"), T0 + 2_000, 1);
        assertThat(passed()).containsExactly(session("a") + "@0");
        send(session("0"), T0 + 3_000, 1);
        assertThat(passed()).isEmpty();
        assertThat(limited()).containsExactly(session("0") + "@3=1.0");
    }

    @Test
    void aBatchBeyondTheLatenessGoesOnMarkedLateAndDecidesNothing() throws Exception {
        watermark(T0 + MINUTE - 1 + LATENESS.toMillis());
        send(session("a"), T0 + 1_000, 1);
        assertThat(passed()).containsExactly(session("a") + "@0 late");
        send(session("b"), T0 + MINUTE, 1);
        send(session("c"), T0 + MINUTE, 1);
        watermark(T0 + 2 * MINUTE - 1);
        assertThat(passed()).containsExactlyInAnyOrder(session("b") + "@1", session("c") + "@1");
    }

    @Test
    void theHoursStateIsClearedOnceItsLatenessHasPassed() throws Exception {
        send(session("a"), T0, 1);
        watermark(T0 + HOUR - 1 + LATENESS.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void waitingAndDecidedSeriesSurviveARestore() throws Exception {
        send(session("a"), T0, 1);
        send(session("b"), T0, 1);
        watermark(T0 + MINUTE - 1);
        passed();
        send(session("c"), T0 + MINUTE, 1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        send(session("a"), T0 + MINUTE, 2);
        assertThat(passed()).containsExactly(session("a") + "@1");
        watermark(T0 + 2 * MINUTE - 1);
        assertThat(passed()).isEmpty();
        assertThat(limited()).containsExactly(session("c") + "@60=1.0");
    }
}
