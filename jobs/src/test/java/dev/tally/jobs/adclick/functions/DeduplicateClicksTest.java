package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.schema.adclick.AdClickEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

/** Dedup by click_id over an event-time horizon, and the LATE side output. */
class DeduplicateClicksTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = Minutes.MILLIS;
    private static final Duration HORIZON = Duration.ofMinutes(10);

    private KeyedOneInputStreamOperatorTestHarness<String, AdClickEvent, AdClickEvent> harness;
    private MockEnvironment environment;
    private CapturedMetrics metrics;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void firstCopyPassesAndDuplicatesAreDroppedAndCounted() throws Exception {
        open(HORIZON, Duration.ZERO);
        AdClickEvent c1 = click("c1", "ad1", T0 + 1_000);
        AdClickEvent c2 = click("c2", "ad1", T0 + 2_000);
        process(c1);
        process(c2);
        process(click("c1", "ad1", T0 + 1_000));
        // same id, other fields differ: still the same click
        process(click("c1", "ad9", T0 + 3_000));

        assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(c1, c2);
        assertThat(lateOutput()).isEmpty();
        assertThat(metrics.count("duplicates")).isEqualTo(2);
        assertThat(metrics.count("late")).isZero();
        // one seen flag and one timer per distinct click_id
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    }

    @Test
    void clickOfAClosedMinuteGoesToLateOutputUntouched() throws Exception {
        open(HORIZON, Duration.ZERO);
        harness.processWatermark(T0 + MIN - 1); // the window of minute T0 has fired
        AdClickEvent late = click("c1", "ad1", T0 + 59_999);
        AdClickEvent onTime = click("c2", "ad1", T0 + MIN);
        process(late);
        process(onTime);

        assertThat(harness.extractOutputValues()).containsExactly(onTime);
        assertThat(lateOutput()).containsExactly(late);
        assertThat(metrics.count("late")).isEqualTo(1);
        assertThat(metrics.count("duplicates")).isZero();
        // the late click left no state and no timer behind
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }

    @Test
    void lateClicksAreNotDeduplicated() throws Exception {
        open(HORIZON, Duration.ZERO);
        harness.processWatermark(T0 + 5 * MIN);
        AdClickEvent late = click("c1", "ad1", T0 + 1_000);
        process(late);
        process(late);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(lateOutput()).containsExactly(late, late);
        assertThat(metrics.count("late")).isEqualTo(2);
        assertThat(metrics.count("duplicates")).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void allowedLatenessMovesTheLateBoundary() throws Exception {
        open(HORIZON, Duration.ofSeconds(30));
        // late iff minute end - 1 + 30 s <= watermark
        harness.processWatermark(T0 + MIN - 1 + 30_000 - 1);
        AdClickEvent stillOnTime = click("c1", "ad1", T0 + 10_000);
        process(stillOnTime);
        harness.processWatermark(T0 + MIN - 1 + 30_000);
        AdClickEvent late = click("c2", "ad1", T0 + 10_000);
        process(late);

        assertThat(harness.extractOutputValues()).containsExactly(stillOnTime);
        assertThat(lateOutput()).containsExactly(late);
    }

    @Test
    void aLateCopyOfACountedClickIsADuplicateNotLate() throws Exception {
        open(HORIZON, Duration.ZERO);
        AdClickEvent c1 = click("c1", "ad1", T0 + 1_000);
        process(c1);
        harness.processWatermark(T0 + 3 * MIN); // minute T0 closed, horizon not reached
        process(click("c1", "ad1", T0 + 1_000));

        assertThat(harness.extractOutputValues()).containsExactly(c1);
        assertThat(lateOutput()).isEmpty();
        assertThat(metrics.count("duplicates")).isEqualTo(1);
        assertThat(metrics.count("late")).isZero();
    }

    @Test
    void stateAndTimersAreClearedAtClickTsPlusHorizon() throws Exception {
        open(HORIZON, Duration.ZERO);
        long ts1 = T0 + 1_000;
        long ts2 = T0 + 5_000;
        process(click("c1", "ad1", ts1));
        process(click("c2", "ad2", ts2));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        harness.processWatermark(ts1 + HORIZON.toMillis() - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        harness.processWatermark(ts1 + HORIZON.toMillis());
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(ts2 + HORIZON.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        // A copy arriving after its id was forgotten is late, so it is still never counted twice.
        AdClickEvent copy = click("c1", "ad1", ts1);
        process(copy);
        assertThat(harness.extractOutputValues()).extracting(AdClickEvent::getClickId)
                .containsExactlyInAnyOrder("c1", "c2");
        assertThat(lateOutput()).containsExactly(copy);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void theSmallestHorizonLeavesNoGapForDuplicates() throws Exception {
        Duration lateness = Duration.ofSeconds(30);
        open(lateness.plusMinutes(1), lateness);
        // Click at the very start of its minute: the earliest its id can be forgotten.
        long ts = T0;
        process(click("c1", "ad1", ts));
        long forgetAt = ts + lateness.plusMinutes(1).toMillis();

        harness.processWatermark(forgetAt - 1);
        process(click("c1", "ad1", ts));
        assertThat(metrics.count("duplicates")).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        harness.processWatermark(forgetAt);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        process(click("c1", "ad1", ts));
        assertThat(metrics.count("late")).isEqualTo(1);
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void outputKeepsTheEventTimestamp() throws Exception {
        open(HORIZON, Duration.ZERO);
        process(click("c1", "ad1", T0 + 1_234));
        assertThat(harness.extractOutputStreamRecords())
                .extracting(StreamRecord::getTimestamp)
                .containsExactly(T0 + 1_234);
    }

    @Test
    void constructorRejectsAHorizonShorterThanLatenessPlusOneMinute() {
        assertThatThrownBy(
                        () -> new DeduplicateClicks(Duration.ofSeconds(89), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "dedup horizon PT1M29S must be at least allowed lateness + 1 minute (PT1M30S)");
        assertThatThrownBy(() -> new DeduplicateClicks(Duration.ofSeconds(59), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dedup horizon PT59S must be at least allowed lateness + 1 minute (PT1M)");
        assertThatThrownBy(() -> new DeduplicateClicks(HORIZON, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed lateness must not be negative, got PT-1S");
        assertThatThrownBy(() -> new DeduplicateClicks(null, Duration.ZERO))
                .isInstanceOf(NullPointerException.class);
        // the boundary itself is accepted
        new DeduplicateClicks(Duration.ofSeconds(90), Duration.ofSeconds(30));
        new DeduplicateClicks(Duration.ofMinutes(1), Duration.ZERO);
    }

    // ---- helpers ----

    private void open(Duration horizon, Duration allowedLateness) throws Exception {
        metrics = new CapturedMetrics();
        environment = metrics.environment();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DeduplicateClicks(horizon, allowedLateness)),
                        AdClickEvent::getClickId,
                        Types.STRING,
                        environment);
        harness.open();
    }

    private void process(AdClickEvent click) throws Exception {
        harness.processElement(click, click.getClickTs());
    }

    /** The LATE side output so far (the harness has no queue for a tag nothing was sent to). */
    private List<AdClickEvent> lateOutput() {
        var late = harness.getSideOutput(DeduplicateClicks.LATE);
        if (late == null) {
            return List.of();
        }
        return late.stream()
                .map(StreamRecord::getValue)
                .toList();
    }

    private static AdClickEvent click(String clickId, String adId, long clickTs) {
        return AdClickEvent.newBuilder()
                .setClickId(clickId)
                .setAdId(adId)
                .setClickTs(clickTs)
                .setUserId("u-" + clickId)
                .setIp("10.0.0.1")
                .setCountry("US")
                .build();
    }
}
