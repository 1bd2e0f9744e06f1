package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Sliding sums of per-minute counts for each window size M, emitted at each minute boundary. */
class RollingWindowSumsTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = Minutes.MILLIS;

    private KeyedOneInputStreamOperatorTestHarness<AdFilterKey, ClickCount, WindowSum> harness;
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
    void sumsOverOneAndFiveMinutes() throws Exception {
        open(1, 5);
        count("ad1", 0, 0, 3);
        count("ad1", 0, 1, 2);
        count("ad1", 0, 3, 4);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(T0 + 20 * MIN);
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        sum(0, 1, 1, "ad1", 3),
                        sum(0, 5, 1, "ad1", 3),
                        sum(0, 1, 2, "ad1", 2),
                        sum(0, 5, 2, "ad1", 5),
                        // window end 3: minute 2 has no count, so no 1-minute sum
                        sum(0, 5, 3, "ad1", 5),
                        sum(0, 1, 4, "ad1", 4),
                        sum(0, 5, 4, "ad1", 9),
                        sum(0, 5, 5, "ad1", 9),
                        sum(0, 5, 6, "ad1", 6),
                        sum(0, 5, 7, "ad1", 4),
                        sum(0, 5, 8, "ad1", 4));
        assertThat(harness.extractOutputStreamRecords())
                .allSatisfy(r -> assertThat(r.getTimestamp()).isEqualTo(r.getValue().windowEnd - 1));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void theFinalWatermarkEmitsEveryRemainingWindow() throws Exception {
        open(1, 5);
        count("ad1", 0, 0, 3);
        count("ad1", 0, 1, 2);
        count("ad1", 0, 3, 4);

        harness.processWatermark(Long.MAX_VALUE); // end of input
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        sum(0, 1, 1, "ad1", 3),
                        sum(0, 5, 1, "ad1", 3),
                        sum(0, 1, 2, "ad1", 2),
                        sum(0, 5, 2, "ad1", 5),
                        sum(0, 5, 3, "ad1", 5),
                        sum(0, 1, 4, "ad1", 4),
                        sum(0, 5, 4, "ad1", 9),
                        sum(0, 5, 5, "ad1", 9),
                        sum(0, 5, 6, "ad1", 6),
                        sum(0, 5, 7, "ad1", 4),
                        sum(0, 5, 8, "ad1", 4));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aWindowIsEmittedWhenTheWatermarkReachesItsEndMinusOne() throws Exception {
        open(1, 5);
        count("ad1", 3, 0, 7);

        harness.processWatermark(T0 + MIN - 2);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(T0 + MIN - 1);
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(sum(3, 1, 1, "ad1", 7), sum(3, 5, 1, "ad1", 7));

        harness.getOutput().clear();
        harness.processWatermark(T0 + 2 * MIN - 1);
        assertThat(harness.extractOutputValues()).containsExactly(sum(3, 5, 2, "ad1", 7));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // minute and next end in one value
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.getOutput().clear();
        harness.processWatermark(T0 + 5 * MIN - 1);
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        sum(3, 5, 3, "ad1", 7), sum(3, 5, 4, "ad1", 7), sum(3, 5, 5, "ad1", 7));
        // The look-back has passed minute 0: nothing left.
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void keysAreSummedSeparately() throws Exception {
        open(1);
        count("ad1", 0, 0, 3);
        count("ad2", 0, 0, 4);
        count("ad1", 1, 0, 5);
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);

        harness.processWatermark(T0 + 3 * MIN);
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        sum(0, 1, 1, "ad1", 3), sum(0, 1, 1, "ad2", 4), sum(1, 1, 1, "ad1", 5));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void sixtyMinuteWindowsSlideEveryMinute() throws Exception {
        open(1, 5, 60);
        count("ad1", 0, 0, 7);
        count("ad1", 0, 30, 1);

        harness.processWatermark(T0 + 200 * MIN);
        Map<Integer, List<WindowSum>> bySize =
                harness.extractOutputValues().stream()
                        .collect(Collectors.groupingBy(s -> s.windowMinutes));
        assertThat(bySize.get(1))
                .containsExactlyInAnyOrder(sum(0, 1, 1, "ad1", 7), sum(0, 1, 31, "ad1", 1));
        assertThat(bySize.get(5)).hasSize(10);
        assertThat(bySize.get(5))
                .allSatisfy(s -> assertThat(s.sum).isEqualTo(s.windowEnd <= T0 + 5 * MIN ? 7 : 1));
        // 60-minute windows ending at 1..90: 7 until the end 60, plus 1 from the end 31 to 90
        assertThat(bySize.get(60)).hasSize(90);
        for (int end = 1; end <= 90; end++) {
            long expected = (end <= 60 ? 7 : 0) + (end >= 31 ? 1 : 0);
            assertThat(bySize.get(60)).contains(sum(0, 60, end, "ad1", expected));
        }
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aRepeatedMinuteReplacesTheEarlierCount() throws Exception {
        open(1, 5);
        count("ad1", 0, 0, 3);
        count("ad1", 0, 0, 5); // a late firing sends the new total, not a delta
        harness.processWatermark(T0 + MIN - 1);
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(sum(0, 1, 1, "ad1", 5), sum(0, 5, 1, "ad1", 5));

        count("ad1", 0, 0, 8); // after window end 1 is out: changes the later windows only
        harness.getOutput().clear();
        harness.processWatermark(T0 + 2 * MIN - 1);
        assertThat(harness.extractOutputValues()).containsExactly(sum(0, 5, 2, "ad1", 8));
        assertThat(metrics.count("too-late-counts")).isZero();
    }

    @Test
    void aCountOfZeroRemovesTheMinute() throws Exception {
        open(1, 5);
        count("ad1", 0, 0, 3);
        count("ad1", 0, 0, 0);
        harness.processWatermark(T0 + 10 * MIN);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aCountOnlyForEmittedWindowsIsDroppedAndCounted() throws Exception {
        open(1, 5);
        harness.processWatermark(T0 + 6 * MIN - 1); // window ends up to 6 are out
        count("ad1", 0, 0, 3); // windows 1..5: all out
        count("ad1", 0, 1, 4); // windows 2..6: all out
        assertThat(metrics.count("too-late-counts")).isEqualTo(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        count("ad1", 0, 2, 5); // windows 3..7: 7 is still to come
        harness.processWatermark(T0 + 20 * MIN);
        assertThat(harness.extractOutputValues()).containsExactly(sum(0, 5, 7, "ad1", 5));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anEarlierMinuteMovesTheTimerForward() throws Exception {
        open(1, 5);
        count("ad1", 0, 4, 2); // arrives first: timer at end 5
        count("ad1", 0, 1, 1); // earlier minute: timer moves to end 2
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(T0 + 20 * MIN);
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        sum(0, 1, 2, "ad1", 1),
                        sum(0, 5, 2, "ad1", 1),
                        sum(0, 5, 3, "ad1", 1),
                        sum(0, 5, 4, "ad1", 1),
                        sum(0, 1, 5, "ad1", 2),
                        sum(0, 5, 5, "ad1", 3),
                        sum(0, 5, 6, "ad1", 3),
                        sum(0, 5, 7, "ad1", 2),
                        sum(0, 5, 8, "ad1", 2),
                        sum(0, 5, 9, "ad1", 2));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aGapLongerThanTheLookBackSkipsEmptyWindows() throws Exception {
        open(1);
        count("ad1", 0, 0, 1);
        count("ad1", 0, 10, 2);
        harness.processWatermark(T0 + 30 * MIN);
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(sum(0, 1, 1, "ad1", 1), sum(0, 1, 11, "ad1", 2));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void firstUnemittedWindowEnd() {
        assertThat(RollingWindowSums.firstUnemittedWindowEnd(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(RollingWindowSums.firstUnemittedWindowEnd(T0 - 2)).isEqualTo(T0);
        assertThat(RollingWindowSums.firstUnemittedWindowEnd(T0 - 1)).isEqualTo(T0 + MIN);
        assertThat(RollingWindowSums.firstUnemittedWindowEnd(T0)).isEqualTo(T0 + MIN);
        assertThat(RollingWindowSums.firstUnemittedWindowEnd(T0 + MIN - 2)).isEqualTo(T0 + MIN);
    }

    @Test
    void rejectsBadWindowSizes() {
        assertThatCode(() -> new RollingWindowSums()).doesNotThrowAnyException();
        assertThatThrownBy(() -> new RollingWindowSums(new int[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one window size is needed");
        assertThatThrownBy(() -> new RollingWindowSums(5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window sizes must be positive minutes, got [5, 0]");
        assertThatThrownBy(() -> new RollingWindowSums(5, 1, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window sizes must be distinct, got [5, 1, 5]");
    }

    // ---- helpers ----

    private void open(int... windowMinutes) throws Exception {
        metrics = new CapturedMetrics();
        environment = metrics.environment();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new RollingWindowSums(windowMinutes)),
                        new AdFilterKey.Selector(),
                        TypeInformation.of(AdFilterKey.class),
                        environment);
        harness.open();
    }

    /** A final per-minute count as the 1-minute window emits it (stamped with its max timestamp). */
    private void count(String adId, int filterId, int minute, long count) throws Exception {
        long start = T0 + minute * MIN;
        harness.processElement(
                new StreamRecord<>(
                        ClickCount.forFilter(adId, filterId, start, count), Minutes.maxTimestamp(start)));
    }

    private static WindowSum sum(int filterId, int windowMinutes, int endMinute, String adId, long sum) {
        return new WindowSum(filterId, windowMinutes, T0 + endMinute * MIN, adId, sum);
    }
}
