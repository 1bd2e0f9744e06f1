package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.jobs.kit.CapturedMetrics;
import dev.tally.jobs.kit.HarnessState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sliding sums of per-minute counts for each window size M at each minute boundary, and each
 * subtask's best N of them, on both state backends: the walk reads each key group's map with a
 * RocksDB iterator, or the heap's map, and writes after each group's pass. Its BATCH path (a timer
 * per key) runs in the replay's tests.
 */
class RollingTopCandidatesTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = Minutes.MILLIS;
    private static final int N = 100;

    /** The 1- and 5-minute sums of ad1 with counts 3, 2 and 4 in minutes 0, 1 and 3 of filter 0. */
    private static final List<Sum> SUMS_OF_MINUTES_0_1_3 = List.of(
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

    @TempDir
    Path tmp;

    private final List<KeyedOneInputStreamOperatorTestHarness<AdFilterKey, ClickCount, TopCandidates>> opened =
            new ArrayList<>();
    private KeyedOneInputStreamOperatorTestHarness<AdFilterKey, ClickCount, TopCandidates> harness;
    private String backend = "hashmap";
    private Duration lateness = Duration.ZERO;
    private CapturedMetrics metrics;

    @AfterEach
    void close() throws Exception {
        for (var h : opened) {
            h.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void sumsOverOneAndFiveMinutes(String stateBackend) throws Exception {
        backend = stateBackend;
        open(1, 5);
        count("ad1", 0, 0, 3);
        count("ad1", 0, 1, 2);
        count("ad1", 0, 3, 4);
        assertThat(harness.numEventTimeTimers()).isZero();

        harness.processWatermark(T0 + 20 * MIN);
        assertThat(sums()).containsExactlyInAnyOrderElementsOf(SUMS_OF_MINUTES_0_1_3);
        assertThat(harness.extractOutputStreamRecords())
                .allSatisfy(r -> assertThat(r.getTimestamp()).isEqualTo(r.getValue().windowEnd - 1));
        assertThat(filterCounts())
                .containsExactly(filterCount("ad1", 0, 0, 3), filterCount("ad1", 0, 1, 2), filterCount("ad1", 0, 3, 4));
        assertThat(harness.getSideOutput(RollingTopCandidates.FILTER_COUNTS))
                .allSatisfy(r -> assertThat(r.getTimestamp()).isEqualTo(Minutes.maxTimestamp(r.getValue().minute)));
        assertThat(stored()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theFinalWatermarkEmitsEveryRemainingWindow(String stateBackend) throws Exception {
        backend = stateBackend;
        open(1, 5);
        count("ad1", 0, 0, 3);
        count("ad1", 0, 1, 2);
        count("ad1", 0, 3, 4);

        harness.processWatermark(Long.MAX_VALUE); // end of input
        assertThat(sums()).containsExactlyInAnyOrderElementsOf(SUMS_OF_MINUTES_0_1_3);
        assertThat(filterCounts())
                .containsExactly(filterCount("ad1", 0, 0, 3), filterCount("ad1", 0, 1, 2), filterCount("ad1", 0, 3, 4));
        assertThat(stored()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aWindowIsEmittedWhenTheWatermarkReachesItsEndMinusOne(String stateBackend) throws Exception {
        backend = stateBackend;
        open(1, 5);
        count("ad1", 3, 0, 7);

        harness.processWatermark(T0 + MIN - 2);
        assertThat(harness.getOutput()).containsExactly(new Watermark(T0 + MIN - 2));
        assertThat(filterCounts()).isEmpty();

        harness.getOutput().clear();
        harness.processWatermark(T0 + MIN - 1);
        assertThat(sums()).containsExactlyInAnyOrder(sum(3, 1, 1, "ad1", 7), sum(3, 5, 1, "ad1", 7));
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 3, 0, 7));
        // The lists go out before the watermark that closes their window.
        List<Object> output = new ArrayList<>(harness.getOutput());
        assertThat(output.get(output.size() - 1)).isEqualTo(new Watermark(T0 + MIN - 1));

        harness.getOutput().clear();
        harness.processWatermark(T0 + 2 * MIN - 1);
        assertThat(sums()).containsExactly(sum(3, 5, 2, "ad1", 7));
        assertThat(stored()).isEqualTo(1);

        harness.getOutput().clear();
        harness.processWatermark(T0 + 5 * MIN - 1);
        assertThat(sums())
                .containsExactlyInAnyOrder(sum(3, 5, 3, "ad1", 7), sum(3, 5, 4, "ad1", 7), sum(3, 5, 5, "ad1", 7));
        // The look-back has passed minute 0: nothing left.
        assertThat(stored()).isZero();
    }

    @Test
    void keysAreSummedSeparatelyAndEachGroupListedOnce() throws Exception {
        open(1);
        count("ad1", 0, 0, 3);
        count("ad2", 0, 0, 4);
        count("ad1", 1, 0, 5);

        harness.processWatermark(T0 + 3 * MIN);
        assertThat(harness.extractOutputValues())
                .containsExactly(candidates(0, 1, 1, ad("ad2", 4), ad("ad1", 3)), candidates(1, 1, 1, ad("ad1", 5)));
        assertThat(stored()).isZero();
    }

    @Test
    void keepsTheBestNWithTiesBrokenByAdIdWhateverTheArrivalOrder() throws Exception {
        List<AdTotal> offers = List.of(ad("ad3", 4), ad("ad0", 1), ad("ad1", 4), ad("ad2", 4), ad("ad10", 4));
        List<AdTotal> reversed = new ArrayList<>(offers);
        Collections.reverse(reversed);
        for (List<AdTotal> order : List.of(offers, reversed)) {
            harness = open(2, new int[] {1});
            for (AdTotal offer : order) {
                count(offer.adId, 0, 0, offer.count);
            }
            harness.processWatermark(T0 + MIN - 1);
            assertThat(harness.extractOutputValues()).containsExactly(candidates(0, 1, 1, ad("ad1", 4), ad("ad10", 4)));
        }
    }

    @Test
    void sixtyMinuteWindowsSlideEveryMinute() throws Exception {
        open(1, 5, 60);
        count("ad1", 0, 0, 7);
        count("ad1", 0, 30, 1);

        harness.processWatermark(T0 + 200 * MIN);
        Map<Integer, List<Sum>> bySize = sums().stream().collect(Collectors.groupingBy(Sum::windowMinutes));
        assertThat(bySize.get(1)).containsExactlyInAnyOrder(sum(0, 1, 1, "ad1", 7), sum(0, 1, 31, "ad1", 1));
        assertThat(bySize.get(5)).hasSize(10);
        assertThat(bySize.get(5)).allSatisfy(s -> assertThat(s.sum).isEqualTo(s.endMinute <= 5 ? 7 : 1));
        // 60-minute windows ending at 1..90: 7 until the end 60, plus 1 from the end 31 to 90
        assertThat(bySize.get(60)).hasSize(90);
        for (int end = 1; end <= 90; end++) {
            long expected = (end <= 60 ? 7 : 0) + (end >= 31 ? 1 : 0);
            assertThat(bySize.get(60)).contains(sum(0, 60, end, "ad1", expected));
        }
        assertThat(stored()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void partialsOfAMinuteAddUpAndALatePartialSendsTheNewTotal(String stateBackend) throws Exception {
        backend = stateBackend;
        lateness = Duration.ofMinutes(2);
        open(1, 5);
        count("ad1", 0, 0, 3);
        count("ad1", 0, 0, 5); // from another pre-aggregating subtask
        harness.processWatermark(T0 + MIN - 1);
        assertThat(sums()).containsExactlyInAnyOrder(sum(0, 1, 1, "ad1", 8), sum(0, 5, 1, "ad1", 8));
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 0, 0, 8));

        harness.getOutput().clear();
        harness.getSideOutput(RollingTopCandidates.FILTER_COUNTS).clear();
        count("ad1", 0, 0, 2); // late, within the lateness: the minute's new total at once
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 0, 0, 10));
        harness.processWatermark(T0 + 2 * MIN - 1);
        // window end 1 is out already; the later windows count the late clicks
        assertThat(sums()).containsExactly(sum(0, 5, 2, "ad1", 10));
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 0, 0, 10));
        assertThat(metrics.count("too-late-counts")).isZero();
        assertThat(metrics.count("numLateRecordsDropped")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aMinuteIsKeptForLatePartialsUntilItClosesThenTheyAreDropped(String stateBackend) throws Exception {
        backend = stateBackend;
        lateness = Duration.ofMinutes(5);
        open(1); // no window needs minute 0 after window end 1; the lateness does
        count("ad1", 0, 0, 3);
        harness.processWatermark(T0 + 3 * MIN);
        assertThat(sums()).containsExactly(sum(0, 1, 1, "ad1", 3));
        assertThat(stored()).isEqualTo(1);

        count("ad1", 0, 0, 2);
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 0, 0, 3), filterCount("ad1", 0, 0, 5));
        assertThat(metrics.count("too-late-counts")).isEqualTo(1); // it changes no window still to come

        harness.processWatermark(T0 + 6 * MIN - 1); // minute 0 closes: its end + 5 minutes
        assertThat(stored()).isZero();
        count("ad1", 0, 0, 4);
        assertThat(metrics.count("numLateRecordsDropped")).isEqualTo(1);
        assertThat(stored()).isZero();
        assertThat(filterCounts()).hasSize(2);
        assertThat(sums()).containsExactly(sum(0, 1, 1, "ad1", 3));
    }

    @Test
    void withoutLatenessAPartialOfAnEmittedMinuteIsDroppedAndCounted() throws Exception {
        open(1, 5);
        harness.processWatermark(T0 + 6 * MIN - 1); // minutes up to 5 are out and closed
        count("ad1", 0, 0, 3);
        count("ad1", 0, 5, 4);
        assertThat(metrics.count("numLateRecordsDropped")).isEqualTo(2);
        assertThat(stored()).isZero();

        count("ad1", 0, 6, 5);
        harness.processWatermark(T0 + 20 * MIN);
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 0, 6, 5));
        assertThat(sums()).contains(sum(0, 1, 7, "ad1", 5), sum(0, 5, 11, "ad1", 5));
        assertThat(stored()).isZero();
    }

    @Test
    void aPartialOnlyForEmittedWindowsStillCountsItsMinuteAndIsCounted() throws Exception {
        lateness = Duration.ofMinutes(10);
        open(1, 5);
        harness.processWatermark(T0 + 6 * MIN - 1); // window ends up to 6 are out
        count("ad1", 0, 0, 3); // windows 1..5: all out
        count("ad1", 0, 1, 4); // windows 2..6: all out
        assertThat(metrics.count("too-late-counts")).isEqualTo(2);
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 0, 0, 3), filterCount("ad1", 0, 1, 4));

        count("ad1", 0, 2, 5); // windows 3..7: 7 is still to come
        harness.processWatermark(T0 + 20 * MIN);
        assertThat(sums()).containsExactly(sum(0, 5, 7, "ad1", 5));
        assertThat(filterCounts()).hasSize(3);
        assertThat(stored()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void anEarlierMinuteBringsItsWindowsBack(String stateBackend) throws Exception {
        backend = stateBackend;
        open(1, 5);
        count("ad1", 0, 4, 2); // arrives first: windows from end 5 on
        count("ad1", 0, 1, 1); // earlier minute: windows from end 2 on

        harness.processWatermark(T0 + 20 * MIN);
        assertThat(sums())
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
        assertThat(stored()).isZero();
    }

    /** Minutes 1 and 2 close at one watermark, for a key whose minute 0 is stored and for a new one. */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void minutesClosingTogetherAddToStoredCountsAndMakeNewKeys(String stateBackend) throws Exception {
        backend = stateBackend;
        open(1, 5);
        count("ad1", 0, 0, 3);
        harness.processWatermark(T0 + MIN - 1);
        assertThat(stored()).isEqualTo(1);
        harness.getOutput().clear();
        harness.getSideOutput(RollingTopCandidates.FILTER_COUNTS).clear();

        count("ad1", 0, 1, 2);
        count("ad2", 0, 1, 5);
        count("ad1", 0, 2, 4);
        count("ad2", 0, 2, 1);
        harness.processWatermark(T0 + 3 * MIN - 1);
        assertThat(filterCounts())
                .containsExactlyInAnyOrder(
                        filterCount("ad1", 0, 1, 2), filterCount("ad2", 0, 1, 5),
                        filterCount("ad1", 0, 2, 4), filterCount("ad2", 0, 2, 1));
        assertThat(sums())
                .containsExactlyInAnyOrder(
                        sum(0, 1, 2, "ad1", 2), sum(0, 1, 2, "ad2", 5),
                        sum(0, 5, 2, "ad1", 5), sum(0, 5, 2, "ad2", 5),
                        sum(0, 1, 3, "ad1", 4), sum(0, 1, 3, "ad2", 1),
                        sum(0, 5, 3, "ad1", 9), sum(0, 5, 3, "ad2", 6));
        assertThat(stored()).isEqualTo(2);
    }

    /**
     * More keys per key group than RocksDB's map iterator loads at once (128), while the walk
     * rewrites half of them: each key is read once and keeps every minute.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theWalkReadsEachKeyOnceInLargeKeyGroups(String stateBackend) throws Exception {
        backend = stateBackend;
        int keys = 20_000;
        harness = open(keys + 1_000, new int[] {1, 5});
        for (int i = 0; i < keys; i++) {
            count("ad" + i, 0, 0, 1);
        }
        harness.processWatermark(T0 + MIN - 1);
        assertThat(stored()).isEqualTo(keys);
        harness.getOutput().clear();

        for (int i = 0; i < keys; i += 2) {
            count("ad" + i, 0, 1, 2);
        }
        for (int i = 0; i < 1_000; i++) {
            count("new" + i, 0, 1, 2);
        }
        harness.processWatermark(T0 + 2 * MIN - 1);
        Map<Integer, List<Sum>> bySize = sums().stream().collect(Collectors.groupingBy(Sum::windowMinutes));
        assertThat(bySize.get(1))
                .hasSize(keys / 2 + 1_000)
                .allSatisfy(s -> assertThat(s.sum).isEqualTo(2));
        assertThat(bySize.get(5)).hasSize(keys + 1_000);
        for (Sum s : bySize.get(5)) {
            long expected = s.adId.startsWith("new") ? 2 : Integer.parseInt(s.adId.substring(2)) % 2 == 0 ? 3 : 1;
            assertThat(s.sum).as(s.adId).isEqualTo(expected);
        }
        assertThat(stored()).isEqualTo(keys + 1_000);
    }

    /**
     * The lists made before the walk, from the last walk's best partial sums and the closing minute,
     * against sums taken by brute force from every partial accepted before each window was due: over
     * skewed counts with ties, bursts that lift an ad from far down into a list (its partial sum is
     * then read from the state), late partials, early minutes, watermarks that stay inside a minute
     * or jump several, and a restore, after which the walk makes the lists once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void listsMadeBeforeTheWalkAreTheBruteForceLists(String stateBackend) throws Exception {
        backend = stateBackend;
        lateness = Duration.ofMinutes(2);
        int n = 3;
        int[] windows = {1, 3, 5};
        open(n, windows);
        Random random = new Random(11);
        Map<List<Object>, Long> accepted = new HashMap<>(); // [filter, ad, minute] -> count
        Map<List<Object>, List<AdTotal>> expected = new HashMap<>(); // [filter, window, end minute] -> list
        Map<List<Object>, List<AdTotal>> emitted = new HashMap<>();
        long watermark = Long.MIN_VALUE;
        int firstMinute = 0;
        int lastMinute = 0;
        long listsBeforeWalk = 0;
        long reads = 0;
        int minute = 0;
        for (int step = 0; step < 60; step++) {
            for (int i = 0; i < 40; i++) {
                int m = minute;
                int roll = random.nextInt(20);
                if (roll == 0) {
                    m = minute + 1; // early: its minute is not open yet
                } else if (roll <= 2) {
                    m = minute - 1 - random.nextInt(3); // late, maybe too late
                }
                String ad = "ad" + (int) Math.floor(Math.pow(random.nextDouble(), 2) * 20); // skewed
                int filter = random.nextInt(3);
                long count = random.nextInt(12) == 0 ? 15 + random.nextInt(10) : 1 + random.nextInt(2);
                if (m < firstMinute) {
                    continue;
                }
                if (!Minutes.closed(T0 + m * MIN, Duration.ofMinutes(2).toMillis(), watermark)) {
                    accepted.merge(List.of(filter, ad, m), count, Long::sum);
                    lastMinute = Math.max(lastMinute, m);
                }
                count(ad, filter, m, count);
            }
            if (step == 30) {
                emitted.putAll(lists(harness.extractOutputValues()));
                listsBeforeWalk += metrics.count("lists-before-walk");
                reads += metrics.count("list-completion-reads");
                open(n, windows, harness.snapshot(step, T0));
            }
            int roll = random.nextInt(10);
            long next;
            if (roll == 0) {
                next = T0 + minute * MIN + random.nextInt((int) MIN - 1); // stays inside the minute
            } else if (roll == 1) {
                minute += 3; // the watermark jumps: several windows are due at once
                next = T0 + minute * MIN - 1;
            } else {
                minute += 1;
                next = T0 + minute * MIN - 1 + random.nextInt(1000);
            }
            next = Math.max(next, watermark);
            harness.processWatermark(next);
            expected.putAll(bruteForceLists(accepted, n, windows, watermark, next, firstMinute, lastMinute));
            watermark = next;
        }
        harness.processWatermark(Long.MAX_VALUE);
        expected.putAll(bruteForceLists(accepted, n, windows, watermark, Long.MAX_VALUE, firstMinute, lastMinute));
        Map<List<Object>, List<AdTotal>> last = lists(harness.extractOutputValues());
        assertThat(emitted.keySet()).doesNotContainAnyElementsOf(last.keySet()); // each list once
        emitted.putAll(last);

        assertThat(emitted).isEqualTo(expected);
        assertThat(listsBeforeWalk + metrics.count("lists-before-walk")).isGreaterThan(30);
        assertThat(reads + metrics.count("list-completion-reads")).isPositive();
    }

    @Test
    void aGapLongerThanTheLookBackSkipsEmptyWindows() throws Exception {
        open(1);
        count("ad1", 0, 0, 1);
        count("ad1", 0, 10, 2);
        harness.processWatermark(T0 + 30 * MIN);
        assertThat(sums()).containsExactlyInAnyOrder(sum(0, 1, 1, "ad1", 1), sum(0, 1, 11, "ad1", 2));
        assertThat(stored()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void countsSurviveARestartAndNoWindowIsEmittedTwice(String stateBackend) throws Exception {
        backend = stateBackend;
        open(1, 5);
        count("ad1", 0, 0, 3);
        count("ad2", 0, 1, 4);
        harness.processWatermark(T0 + 2 * MIN - 1);
        assertThat(sums())
                .containsExactlyInAnyOrder(
                        sum(0, 1, 1, "ad1", 3),
                        sum(0, 5, 1, "ad1", 3),
                        sum(0, 1, 2, "ad2", 4),
                        sum(0, 5, 2, "ad2", 4),
                        sum(0, 5, 2, "ad1", 3));
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);

        open(snapshot, 1, 5);
        count("ad1", 0, 2, 1);
        harness.processWatermark(T0 + 3 * MIN - 1);
        assertThat(sums())
                .containsExactlyInAnyOrder(sum(0, 1, 3, "ad1", 1), sum(0, 5, 3, "ad1", 4), sum(0, 5, 3, "ad2", 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aMinuteOpenAtACheckpointIsEmittedOnceAfterARestart(String stateBackend) throws Exception {
        backend = stateBackend;
        open(1, 5);
        count("ad1", 0, 0, 3);
        harness.processWatermark(T0 + MIN - 1);
        count("ad1", 0, 1, 4); // minute 1 is open at the checkpoint
        count("ad2", 0, 1, 2);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);

        open(snapshot, 1, 5);
        count("ad1", 0, 1, 1);
        harness.processWatermark(T0 + 2 * MIN - 1);
        assertThat(filterCounts()).containsExactlyInAnyOrder(filterCount("ad1", 0, 1, 5), filterCount("ad2", 0, 1, 2));
        harness.processWatermark(T0 + 20 * MIN);
        assertThat(filterCounts()).hasSize(2);
    }

    /**
     * An open minute's partials add up on the heap and a checkpoint takes them from there, not from
     * the keyed state, which gets the total when the minute closes; partials after the checkpoint
     * add to it, in the running job and in one restored from the checkpoint alike.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void anOpenMinuteIsCheckpointedFromTheHeapAndLaterPartialsAddToIt(String stateBackend) throws Exception {
        backend = stateBackend;
        open(1, 5);
        count("ad1", 0, 0, 3);
        count("ad1", 0, 0, 1);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        assertThat(stored()).isZero();
        assertThat(snapshot.getRawKeyedState()).isNotEmpty();

        count("ad1", 0, 0, 4);
        harness.processWatermark(T0 + MIN - 1);
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 0, 0, 8));
        assertThat(sums()).containsExactlyInAnyOrder(sum(0, 1, 1, "ad1", 8), sum(0, 5, 1, "ad1", 8));

        open(snapshot, 1, 5);
        count("ad1", 0, 0, 2);
        harness.processWatermark(T0 + 2 * MIN - 1);
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 0, 0, 6));
        assertThat(sums())
                .containsExactlyInAnyOrder(sum(0, 1, 1, "ad1", 6), sum(0, 5, 1, "ad1", 6), sum(0, 5, 2, "ad1", 6));
    }

    /**
     * A savepoint of the per-key-timer version (a KeyedProcessFunction under the same uid): its
     * packed-minute-counts state, element 0 the window end its timer was set for, and that timer.
     * The windows before element 0 are not emitted again, and the old timer fires without effect.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void restoresTheStateOfThePerKeyTimerVersion(String stateBackend) throws Exception {
        backend = stateBackend;
        OperatorSubtaskState snapshot =
                snapshotOfEarlierVersion(new TimerVersionState(), ClickCount.forFilter("ad1", 0, T0, 3));

        open(snapshot, 1, 5);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(T0 + 2 * MIN - 1);
        assertThat(sums()).containsExactly(sum(0, 5, 2, "ad1", 3));
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(stored()).isEqualTo(1);
    }

    /**
     * A savepoint of a version that kept open minutes in the keyed state: the count restored from
     * there and later partials add up; once a later partial has changed it, the heap's count, in the
     * raw keyed state, is the newer one at the next restore.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void restoresAnOpenMinuteAnEarlierVersionKeptInTheKeyedState(String stateBackend) throws Exception {
        backend = stateBackend;
        OperatorSubtaskState snapshot =
                snapshotOfEarlierVersion(new OpenMinuteInKeyedState(), ClickCount.forFilter("ad1", 0, T0, 3));

        open(snapshot, 1, 5);
        count("ad1", 0, 0, 2);
        OperatorSubtaskState second = harness.snapshot(2L, T0);

        open(second, 1, 5);
        count("ad1", 0, 0, 1);
        harness.processWatermark(T0 + MIN - 1);
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 0, 0, 6));
        assertThat(sums()).containsExactlyInAnyOrder(sum(0, 1, 1, "ad1", 6), sum(0, 5, 1, "ad1", 6));
    }

    /** Writes an open minute's count into the keyed state, as versions before the raw keyed state did. */
    private static final class OpenMinuteInKeyedState
            extends KeyedProcessFunction<AdFilterKey, ClickCount, TopCandidates> {
        @Override
        public void processElement(ClickCount count, Context ctx, Collector<TopCandidates> out) throws Exception {
            getRuntimeContext()
                    .getState(new ValueStateDescriptor<>(
                            "packed-minute-counts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO))
                    .update(MinuteCounts.put(MinuteCounts.of(count.minute + MIN), count.minute, count.count));
        }
    }

    /** A snapshot of {@code earlierVersion} run under this operator's state names, after one partial. */
    private OperatorSubtaskState snapshotOfEarlierVersion(
            KeyedProcessFunction<AdFilterKey, ClickCount, TopCandidates> earlierVersion, ClickCount partial)
            throws Exception {
        var earlier = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(earlierVersion),
                new AdFilterKey.Selector(),
                TypeInformation.of(AdFilterKey.class),
                HarnessState.environment(new CapturedMetrics(), tmp));
        opened.add(earlier);
        HarnessState.use(earlier, backend, tmp);
        earlier.open();
        earlier.processElement(new StreamRecord<>(partial, Minutes.maxTimestamp(partial.minute)));
        return earlier.snapshot(1L, T0);
    }

    /** Writes state as the per-key-timer version had it after emitting window end 1 of minute 0. */
    private static final class TimerVersionState extends KeyedProcessFunction<AdFilterKey, ClickCount, TopCandidates> {
        @Override
        public void processElement(ClickCount count, Context ctx, Collector<TopCandidates> out) throws Exception {
            long nextWindowEnd = count.minute + 2 * MIN;
            getRuntimeContext()
                    .getState(new ValueStateDescriptor<>(
                            "packed-minute-counts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO))
                    .update(MinuteCounts.put(MinuteCounts.of(nextWindowEnd), count.minute, count.count));
            ctx.timerService().registerEventTimeTimer(nextWindowEnd - 1);
        }
    }

    /**
     * After a rescale each subtask resumes from the lowest watermark of the old ones, so a window
     * one of them had not emitted is emitted again for every key: the same sums, which MergeTopN
     * merges by taking each ad's largest.
     */
    @Test
    void afterRescalingEverySubtaskSumsTheKeysItReceived() throws Exception {
        open(1);
        for (int i = 0; i < 100; i++) {
            count("ad" + i, 0, 0, i + 1);
        }
        harness.processWatermark(T0 + 10_000);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);

        List<Sum> emitted = new ArrayList<>();
        List<ClickCount> emittedCounts = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            var part = new KeyedOneInputStreamOperatorTestHarness<>(
                    new RollingTopCandidates(N, Duration.ZERO, 1),
                    new AdFilterKey.Selector(),
                    TypeInformation.of(AdFilterKey.class),
                    128,
                    2,
                    subtask);
            opened.add(part);
            part.initializeState(
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 128, 1, 2, subtask));
            part.open();
            part.processWatermark(T0 + MIN - 1);
            harness = part;
            assertThat(sums()).isNotEmpty();
            emitted.addAll(sums());
            emittedCounts.addAll(filterCounts());
            assertThat(stored()).isZero();
        }
        assertThat(emitted).hasSize(100);
        assertThat(emittedCounts).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(emitted).contains(sum(0, 1, 1, "ad" + i, i + 1));
            assertThat(emittedCounts).contains(filterCount("ad" + i, 0, 0, i + 1));
        }
    }

    /**
     * Two subtasks merged into one restore from the lower of their watermarks: a minute the other
     * subtask had closed and kept for late partials is open again, and a partial for it adds to the
     * stored count.
     */
    @Test
    void aMinuteClosedBeforeARescaleKeepsItsCountWhenThatMinuteIsOpenAgain() throws Exception {
        lateness = Duration.ofMinutes(2);
        int owner = KeyGroupRangeAssignment.assignKeyToParallelOperator(new AdFilterKey("ad1", 0), 128, 2);
        List<OperatorSubtaskState> snapshots = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            var part = new KeyedOneInputStreamOperatorTestHarness<>(
                    new RollingTopCandidates(N, lateness, 1),
                    new AdFilterKey.Selector(),
                    TypeInformation.of(AdFilterKey.class),
                    128,
                    2,
                    subtask);
            opened.add(part);
            part.open();
            if (subtask == owner) {
                part.processElement(
                        new StreamRecord<>(ClickCount.forFilter("ad1", 0, T0, 3), Minutes.maxTimestamp(T0)));
                part.processWatermark(T0 + MIN - 1); // minute 0 closes here and stays for late partials
            } else {
                part.processWatermark(T0 + 10_000); // the other subtask is behind
            }
            snapshots.add(part.snapshot(1L, T0));
        }

        open(AbstractStreamOperatorTestHarness.repackageState(snapshots.toArray(new OperatorSubtaskState[0])), 1);
        count("ad1", 0, 0, 2);
        harness.processWatermark(T0 + MIN - 1);
        assertThat(filterCounts()).containsExactly(filterCount("ad1", 0, 0, 5));
        assertThat(sums()).containsExactly(sum(0, 1, 1, "ad1", 5));
    }

    @Test
    void minutesOpenToLatePartialsAtAWatermark() {
        long lateness = 2 * MIN;
        // minute 0 ends at T0 + MIN - 1 and closes two minutes later
        assertThat(WindowEnds.firstOpenMinute(lateness, T0 + 3 * MIN - 2)).isEqualTo(T0);
        assertThat(WindowEnds.firstOpenMinute(lateness, T0 + 3 * MIN - 1)).isEqualTo(T0 + MIN);
        assertThat(WindowEnds.firstOpenMinute(0, T0 + MIN - 2)).isEqualTo(T0);
        assertThat(WindowEnds.firstOpenMinute(0, T0 + MIN - 1)).isEqualTo(T0 + MIN);
        for (long watermark = T0; watermark < T0 + 5 * MIN; watermark += 7_919) {
            long open = WindowEnds.firstOpenMinute(lateness, watermark);
            assertThat(Minutes.closed(open - MIN, lateness, watermark)).isTrue();
            assertThat(Minutes.closed(open, lateness, watermark)).isFalse();
        }
        assertThat(WindowEnds.firstOpenMinute(lateness, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(WindowEnds.firstOpenMinute(lateness, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void windowEndsDueAtAWatermark() {
        assertThat(WindowEnds.firstUnemittedWindowEnd(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(WindowEnds.firstUnemittedWindowEnd(T0 - 2)).isEqualTo(T0);
        assertThat(WindowEnds.firstUnemittedWindowEnd(T0 - 1)).isEqualTo(T0 + MIN);
        assertThat(WindowEnds.firstUnemittedWindowEnd(T0)).isEqualTo(T0 + MIN);
        assertThat(WindowEnds.firstUnemittedWindowEnd(T0 + MIN - 2)).isEqualTo(T0 + MIN);
        assertThat(WindowEnds.firstUnemittedWindowEnd(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(WindowEnds.lastDueWindowEnd(T0 - 2)).isEqualTo(T0 - MIN);
        assertThat(WindowEnds.lastDueWindowEnd(T0 - 1)).isEqualTo(T0);
        assertThat(WindowEnds.lastDueWindowEnd(T0 + MIN - 2)).isEqualTo(T0);
        assertThat(WindowEnds.lastDueWindowEnd(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rejectsBadSettings() {
        assertThatCode(() -> new RollingTopCandidates(N, Duration.ZERO, RollingTopCandidates.DEFAULT_WINDOW_MINUTES))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new RollingTopCandidates(N, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one window size is needed");
        assertThatThrownBy(() -> new RollingTopCandidates(N, Duration.ZERO, 5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window sizes must be positive minutes, got [5, 0]");
        assertThatThrownBy(() -> new RollingTopCandidates(N, Duration.ZERO, 5, 1, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window sizes must be distinct, got [5, 1, 5]");
        assertThatThrownBy(() -> new RollingTopCandidates(0, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    // ---- helpers ----

    private void open(int... windowMinutes) throws Exception {
        harness = open(N, windowMinutes);
    }

    private void open(OperatorSubtaskState restoreFrom, int... windowMinutes) throws Exception {
        harness = open(N, windowMinutes, restoreFrom);
    }

    private KeyedOneInputStreamOperatorTestHarness<AdFilterKey, ClickCount, TopCandidates> open(
            int n, int[] windowMinutes) throws Exception {
        return open(n, windowMinutes, null);
    }

    private KeyedOneInputStreamOperatorTestHarness<AdFilterKey, ClickCount, TopCandidates> open(
            int n, int[] windowMinutes, OperatorSubtaskState restoreFrom) throws Exception {
        metrics = new CapturedMetrics();
        var opening = new KeyedOneInputStreamOperatorTestHarness<>(
                new RollingTopCandidates(n, lateness, windowMinutes),
                new AdFilterKey.Selector(),
                TypeInformation.of(AdFilterKey.class),
                HarnessState.environment(metrics, tmp));
        opened.add(opening);
        HarnessState.use(opening, backend, tmp);
        if (restoreFrom != null) {
            opening.initializeState(restoreFrom);
        }
        opening.open();
        harness = opening;
        return opening;
    }

    /** A partial count as pre-aggregation emits it (stamped with its minute's max timestamp). */
    private void count(String adId, int filterId, int minute, long count) throws Exception {
        long start = T0 + minute * MIN;
        harness.processElement(
                new StreamRecord<>(ClickCount.forFilter(adId, filterId, start, count), Minutes.maxTimestamp(start)));
    }

    /** The 1-minute filter counts emitted, in order. */
    private List<ClickCount> filterCounts() {
        var emitted = harness.getSideOutput(RollingTopCandidates.FILTER_COUNTS);
        return emitted == null
                ? List.of()
                : emitted.stream().map(StreamRecord::getValue).toList();
    }

    private static ClickCount filterCount(String adId, int filterId, int minute, long count) {
        return ClickCount.forFilter(adId, filterId, T0 + minute * MIN, count);
    }

    /** Keys holding counts. */
    private long stored() throws Exception {
        return ((RollingTopCandidates) harness.getOperator()).keysWithCounts();
    }

    /** Every ad of every list emitted, as one window sum each. */
    private List<Sum> sums() {
        List<Sum> sums = new ArrayList<>();
        for (TopCandidates list : harness.extractOutputValues()) {
            for (AdTotal ad : list.ads) {
                sums.add(new Sum(
                        list.filterId, list.windowMinutes, (int) ((list.windowEnd - T0) / MIN), ad.adId, ad.count));
            }
        }
        return sums;
    }

    /** The lists emitted, by [filter, window size, end minute]; each must come once. */
    private static Map<List<Object>, List<AdTotal>> lists(List<TopCandidates> emitted) {
        Map<List<Object>, List<AdTotal>> lists = new HashMap<>();
        for (TopCandidates list : emitted) {
            List<Object> group = List.of(list.filterId, list.windowMinutes, (int) ((list.windowEnd - T0) / MIN));
            assertThat(lists.put(group, list.ads))
                    .as("list %s emitted twice", group)
                    .isNull();
        }
        return lists;
    }

    /**
     * The best n of every (filter, window size) whose window end w falls due in (from, to] (at
     * watermark w - 1), summed from the counts accepted so far; only ads with a sum > 0.
     */
    private static Map<List<Object>, List<AdTotal>> bruteForceLists(
            Map<List<Object>, Long> accepted,
            int n,
            int[] windows,
            long from,
            long to,
            int firstMinute,
            int lastMinute) {
        Map<List<Object>, List<AdTotal>> lists = new HashMap<>();
        for (int end = firstMinute + 1; end <= lastMinute + windows[windows.length - 1]; end++) {
            long due = T0 + end * MIN - 1;
            if (due <= from || due > to) {
                continue;
            }
            for (int window : windows) {
                Map<Integer, Map<String, Long>> sums = new HashMap<>();
                for (Map.Entry<List<Object>, Long> count : accepted.entrySet()) {
                    int m = (Integer) count.getKey().get(2);
                    if (m >= end - window && m < end) {
                        sums.computeIfAbsent((Integer) count.getKey().get(0), f -> new HashMap<>())
                                .merge((String) count.getKey().get(1), count.getValue(), Long::sum);
                    }
                }
                for (Map.Entry<Integer, Map<String, Long>> filter : sums.entrySet()) {
                    List<AdTotal> best = filter.getValue().entrySet().stream()
                            .map(e -> new AdTotal(e.getKey(), e.getValue()))
                            .sorted(TopNOrder.INSTANCE)
                            .limit(n)
                            .toList();
                    lists.put(List.of(filter.getKey(), window, end), best);
                }
            }
        }
        return lists;
    }

    private record Sum(int filterId, int windowMinutes, int endMinute, String adId, long sum) {}

    private static Sum sum(int filterId, int windowMinutes, int endMinute, String adId, long sum) {
        return new Sum(filterId, windowMinutes, endMinute, adId, sum);
    }

    private static TopCandidates candidates(int filterId, int windowMinutes, int endMinute, AdTotal... ads) {
        return new TopCandidates(filterId, windowMinutes, T0 + endMinute * MIN, List.of(ads));
    }

    private static AdTotal ad(String adId, long count) {
        return new AdTotal(adId, count);
    }
}
