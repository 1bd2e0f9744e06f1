package dev.tally.jobs.metrics.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tally.jobs.metrics.functions.Rollup;
import dev.tally.jobs.metrics.functions.ValueSketches;
import dev.tally.schema.metrics.AlertEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Alert states at minute closes: pending, firing after `for`, inactive, resolved after keep_firing_for, late minutes, increase across edges. */
class EvaluateAlertsTest {

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;

    private static final AlertRule HIGH =
            AlertRules.expression("High", "avg(load[1m]) by (host) > 0.9", 2 * MINUTE, 0, Map.of("severity", "page"));
    private static final AlertRule FLAP =
            AlertRules.expression("Flap", "max(load[1m]) by (host) > 0.9", 0, 2 * MINUTE, Map.of());
    private static final AlertRule BURST =
            AlertRules.expression("Burst", "increase(req_total[3m]) > 100", 0, 0, Map.of());

    private static final AlertRule MISSING =
            AlertRules.expression("Missing", "absent(load[2m]) by (host)", MINUTE, 0, Map.of());

    private static final Duration LATENESS = Duration.ofMinutes(2);

    private KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertEvent> harness(List<AlertRule> rules)
            throws Exception {
        return harness(rules, null);
    }

    /** A harness of the rules, restored from {@code snapshot} when not null. */
    private KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertEvent> harness(
            List<AlertRule> rules, OperatorSubtaskState snapshot) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EvaluateAlerts(rules, LATENESS)), s -> s.key, Types.STRING);
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    /** A gauge minute of one sample per 10 s, all of {@code value}. */
    private static RuleSample gauge(int rule, int minute, double value) {
        RuleSample s = sample(rule, new String[] {"host", "a"}, "load{host=\"a\"}", minute);
        s.rollup.count = 6;
        s.rollup.sum = 6 * value;
        s.rollup.min = value;
        s.rollup.max = value;
        s.rollup.first = value;
        s.rollup.last = value;
        return s;
    }

    private static RuleSample counter(String series, int minute, double first, double last, double increase) {
        RuleSample s = sample(0, new String[0], series, minute);
        s.rollup.count = 6;
        s.rollup.first = first;
        s.rollup.last = last;
        s.rollup.counter = true;
        s.rollup.increase = increase;
        return s;
    }

    /** Emitted changes as "alert state @minute-end value", cleared after reading. */
    private static List<String> changes(KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertEvent> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                AlertEvent e = (AlertEvent) r.getValue();
                out.add(e.getAlert() + " " + e.getState() + " @" + (e.getTs() - T0) / MINUTE + " " + e.getValue());
            }
        }
        h.getOutput().clear();
        return out;
    }

    private static void closeMinute(
            KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertEvent> h, int minute) throws Exception {
        h.processWatermark(new Watermark(T0 + (minute + 1) * MINUTE - 1));
    }

    @Test
    void pendingThenFiringAfterForThenResolvedWhenItStopsHolding() throws Exception {
        var h = harness(List.of(HIGH));
        double[] load = {0.5, 0.96875, 0.96875, 0.96875, 0.96875, 0.5, 0.5};
        List<String> all = new ArrayList<>();
        for (int m = 0; m < load.length; m++) {
            h.processElement(new StreamRecord<>(gauge(0, m, load[m]), T0 + m * MINUTE));
            closeMinute(h, m);
            all.addAll(changes(h));
        }
        // Holds from the close of minute 1 (its end, @2); fires once 2 minutes have passed (@4); minute 5 is low.
        assertThat(all).containsExactly("High PENDING @2 0.96875", "High FIRING @4 0.96875", "High RESOLVED @6 0.5");
        h.close();
    }

    /**
     * Samples in minutes 0-2 and 8-9 only: absent once the last minute has left the 2-minute range (@5),
     * firing a minute later, resolved when a sample is back in range (@9), and again after the last one.
     * Between @6 and @9 no evaluation runs (no sample's timers reach there); absent held at each of
     * those minute ends, which the resolution at @9 takes into account.
     */
    @Test
    void absentFiresWhenTheSeriesStopsAndResolvesWhenItIsBack() throws Exception {
        var h = harness(List.of(MISSING));
        List<String> all = new ArrayList<>();
        List<AlertEvent> events = new ArrayList<>();
        for (int m = 0; m <= 13; m++) {
            if (m <= 2 || m == 8 || m == 9) {
                h.processElement(new StreamRecord<>(gauge(0, m, 1), T0 + m * MINUTE));
            }
            closeMinute(h, m);
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r) {
                    events.add((AlertEvent) r.getValue());
                }
            }
            all.addAll(changes(h));
        }
        assertThat(all)
                .containsExactly(
                        "Missing PENDING @5 1.0",
                        "Missing FIRING @6 1.0",
                        "Missing RESOLVED @9 0.0",
                        "Missing PENDING @12 1.0",
                        "Missing FIRING @13 1.0");
        // Evaluated with no minute of the series left in state: the labels come from the alert's key.
        assertThat(events).allSatisfy(e -> assertThat(e.getLabels()).containsEntry("host", "a"));
        assertThat(events.get(0).getThreshold()).isEqualTo(1.0);
        h.close();
    }

    @Test
    void pendingThatStopsHoldingBeforeForGoesInactiveAndEventsCarryLabelsAndId() throws Exception {
        var h = harness(List.of(HIGH));
        h.processElement(new StreamRecord<>(gauge(0, 0, 0.96875), T0));
        closeMinute(h, 0);
        AlertEvent pending = (AlertEvent) ((StreamRecord<?>) h.getOutput().peek()).getValue();
        assertThat(pending.getLabels()).containsEntry("host", "a").containsEntry("severity", "page");
        assertThat(pending.getId()).isEqualTo("High{host=\"a\",severity=\"page\"}@" + (T0 + MINUTE) + ":PENDING");
        assertThat(pending.getActiveSince()).isEqualTo(T0 + MINUTE);
        assertThat(pending.getSeverity()).isEqualTo("page");
        assertThat(AlertEvents.labelsKey(Map.of("q", "a\"b", "p", "c\\"))).isEqualTo("{p=\"c\\\\\",q=\"a\\\"b\"}");
        assertThat(AlertEvents.labelsKey(Map.of())).isEqualTo("{}");
        changes(h);
        // No data in minute 1: the condition does not hold.
        closeMinute(h, 1);
        assertThat(changes(h)).containsExactly("High INACTIVE @2 0.96875");
        closeMinute(h, 5);
        assertThat(changes(h)).isEmpty();
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void keepFiringForBridgesAFlappingCondition() throws Exception {
        var h = harness(List.of(FLAP));
        double[] load = {0.96875, 0.5, 0.96875, 0.5, 0.96875, 0.5, 0.5, 0.5};
        List<String> all = new ArrayList<>();
        for (int m = 0; m < load.length; m++) {
            h.processElement(new StreamRecord<>(gauge(0, m, load[m]), T0 + m * MINUTE));
            closeMinute(h, m);
            all.addAll(changes(h));
        }
        closeMinute(h, 12);
        all.addAll(changes(h));
        assertThat(all).containsExactly("Flap FIRING @1 0.96875", "Flap RESOLVED @7 0.5");
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void afterARestoreAMinuteAlreadyEvaluatedIsStillIgnoredUntilTheLatenessHasPassed() throws Exception {
        var h = harness(List.of(FLAP));
        h.processElement(new StreamRecord<>(gauge(0, 0, 0.5), T0));
        closeMinute(h, 0);
        OperatorSubtaskState snapshot = h.snapshot(1, T0 + MINUTE);
        h.close();

        // The restored job's watermark starts over; a point replayed late changes minute 0's rollup.
        var restored = harness(List.of(FLAP), snapshot);
        restored.processElement(new StreamRecord<>(gauge(0, 0, 0.99), T0));
        closeMinute(restored, 4);
        assertThat(changes(restored)).as("minute 0 was decided at its close").isEmpty();
        assertThat(restored.numKeyedStateEntries())
                .as("its end kept until the lateness passed, then cleared")
                .isZero();
        restored.close();
    }

    @Test
    void aMinuteThatArrivesAfterItWasEvaluatedChangesNoDecision() throws Exception {
        var h = harness(List.of(HIGH));
        h.processElement(new StreamRecord<>(gauge(0, 0, 0.5), T0));
        closeMinute(h, 0);
        h.processElement(new StreamRecord<>(gauge(0, 0, 0.99), T0));
        closeMinute(h, 3);
        assertThat(changes(h)).isEmpty();
        h.close();
    }

    @Test
    void increaseAddsEachMinuteAndEveryEdgeBetweenMinutesAcrossSeriesWithResets() throws Exception {
        var h = harness(List.of(BURST));
        // Series a: 0 -> 40 in minute 0, 60 -> 70 in minute 1 (edge +20), reset to 5 -> 25 in minute 2 (edge: +5).
        h.processElement(new StreamRecord<>(counter("req_total{host=\"a\"}", 0, 0, 40, 40), T0));
        h.processElement(new StreamRecord<>(counter("req_total{host=\"b\"}", 0, 100, 110, 10), T0));
        closeMinute(h, 0);
        h.processElement(new StreamRecord<>(counter("req_total{host=\"a\"}", 1, 60, 70, 10), T0 + MINUTE));
        closeMinute(h, 1);
        assertThat(changes(h)).isEmpty(); // a: 40 + 20 + 10, b: 10 = 80
        h.processElement(new StreamRecord<>(counter("req_total{host=\"a\"}", 2, 5, 25, 20), T0 + 2 * MINUTE));
        closeMinute(h, 2);
        // a: 40 + 20 + 10 + 5 + 20 = 95, b: 10: 105
        assertThat(changes(h)).containsExactly("Burst FIRING @3 105.0");
        closeMinute(h, 3);
        // The range [1, 4) has a's minutes 1 and 2: 10 + 5 + 20 = 35.
        assertThat(changes(h)).containsExactly("Burst RESOLVED @4 35.0");
        h.close();
    }

    @Test
    void quantileMergesTheSketchesOfEverySeriesAndMinuteInTheRange() throws Exception {
        AlertRule slow = AlertRules.expression("Slow", "quantile(0.9, latency[2m]) > 0.5", 0, 0, Map.of());
        var h = harness(List.of(slow));
        // Minute 0: ten fast samples; minute 1: two series, nine slow samples between them and one fast.
        h.processElement(new StreamRecord<>(
                sketched(
                        "latency{host=\"a\"}", 0, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125),
                T0));
        closeMinute(h, 0);
        assertThat(changes(h)).isEmpty();
        h.processElement(new StreamRecord<>(sketched("latency{host=\"a\"}", 1, 2, 2, 2, 2, 0.125), T0 + MINUTE));
        h.processElement(new StreamRecord<>(sketched("latency{host=\"b\"}", 1, 2, 2, 2, 2, 2), T0 + MINUTE));
        closeMinute(h, 1);
        // 20 samples, 11 fast then 9 slow: the rank floor(0.9 * 19) = 17 is slow, 2 within the sketch's 1%.
        List<String> fired = changes(h);
        assertThat(fired).hasSize(1).allSatisfy(c -> assertThat(c).startsWith("Slow FIRING @2 "));
        assertThat(Double.parseDouble(fired.get(0).substring(fired.get(0).lastIndexOf(' ') + 1)))
                .isCloseTo(2, within(0.02));
        closeMinute(h, 2);
        // The range [1, 3) holds minute 1 alone: rank floor(0.9 * 9) = 8 of 1 fast and 9 slow is still slow.
        assertThat(changes(h)).isEmpty();
        closeMinute(h, 3);
        assertThat(changes(h)).hasSize(1).allSatisfy(c -> assertThat(c).startsWith("Slow RESOLVED @4 "));
        h.close();
    }

    private static RuleSample sketched(String series, int minute, double... values) {
        RuleSample s = sample(0, new String[0], series, minute);
        s.rollup.count = values.length;
        s.rollup.sketch = ValueSketches.of(values, values.length);
        return s;
    }

    /** A series' minute for rule {@code rule} and the alert of {@code groupLabels} (name, value, ...), its last sample at :50. */
    private static RuleSample sample(int rule, String[] groupLabels, String series, int minute) {
        RuleSample s = new RuleSample();
        s.rule = rule;
        s.groupLabels = groupLabels;
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < groupLabels.length; i += 2) {
            labels.put(groupLabels[i], groupLabels[i + 1]);
        }
        s.key = rule + "|" + AlertEvents.labelsKey(labels);
        s.series = series;
        s.minute = T0 + minute * MINUTE;
        s.rollup = new Rollup();
        s.rollup.lastTs = s.minute + 50_000;
        return s;
    }

    @Test
    void aMinutesEvaluationsAreRegisteredOnceAndAnEarlierMinuteStillGetsItsOwn() throws Exception {
        var h = harness(List.of(BURST)); // a 3-minute range: evaluations at 4 minute ends a sample
        h.processElement(new StreamRecord<>(counter("req_total{host=\"a\"}", 5, 0, 10, 10)));
        assertThat(h.numEventTimeTimers()).isEqualTo(4);
        h.processElement(new StreamRecord<>(counter("req_total{host=\"b\"}", 5, 0, 10, 10)));
        h.processElement(new StreamRecord<>(counter("req_total{host=\"a\"}", 6, 10, 20, 10)));
        assertThat(h.numEventTimeTimers()).isEqualTo(5); // minutes 5 to 9 end
        // Before the interval, apart from it (as BATCH mode may send it): its own four.
        h.processElement(new StreamRecord<>(counter("req_total{host=\"a\"}", 0, 0, 1, 1)));
        assertThat(h.numEventTimeTimers()).isEqualTo(9);
        h.processElement(new StreamRecord<>(counter("req_total{host=\"a\"}", 1, 1, 2, 1)));
        assertThat(h.numEventTimeTimers()).isEqualTo(10);
        h.close();
    }
}
