package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The first top-N stage: per-subtask best N per (filter, window size, window end). */
class LocalTopNTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = Minutes.MILLIS;

    private final List<OneInputStreamOperatorTestHarness<WindowSum, TopCandidates>> opened =
            new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> harness : opened) {
            harness.close();
        }
    }

    @Test
    void flushesAGroupWhenTheWatermarkReachesItsEndMinusOne() throws Exception {
        OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> harness = open(2);
        long w1 = T0 + MIN;
        long w2 = T0 + 2 * MIN;
        sum(harness, 0, 1, w1, "ad1", 3);
        sum(harness, 0, 1, w1, "ad2", 5);
        sum(harness, 0, 1, w1, "ad3", 4);
        sum(harness, 0, 5, w1, "ad1", 3);
        sum(harness, 1, 1, w1, "ad2", 2);
        sum(harness, 0, 1, w2, "ad9", 1);

        harness.processWatermark(w1 - 2);
        assertThat(harness.getOutput()).containsExactly(new Watermark(w1 - 2));
        harness.getOutput().clear();

        harness.processWatermark(w1 - 1);
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        candidates(0, 1, w1, ad("ad2", 5), ad("ad3", 4)),
                        candidates(0, 5, w1, ad("ad1", 3)),
                        candidates(1, 1, w1, ad("ad2", 2)));
        assertThat(harness.extractOutputStreamRecords())
                .allSatisfy(r -> assertThat(r.getTimestamp()).isEqualTo(w1 - 1));
        List<Object> output = new ArrayList<>(harness.getOutput());
        assertThat(output.get(output.size() - 1)).isEqualTo(new Watermark(w1 - 1));
        assertThat(pending(harness)).isEqualTo(1);

        harness.getOutput().clear();
        harness.processWatermark(w2 + 10 * MIN);
        assertThat(harness.extractOutputValues()).containsExactly(candidates(0, 1, w2, ad("ad9", 1)));
        assertThat(pending(harness)).isZero();
    }

    @Test
    void keepsTheBestNWithTiesBrokenByAdIdWhateverTheArrivalOrder() throws Exception {
        List<AdTotal> offers =
                List.of(ad("ad3", 4), ad("ad0", 1), ad("ad1", 4), ad("ad2", 4), ad("ad10", 4));
        List<List<AdTotal>> orders = List.of(offers, reversed(offers));
        for (List<AdTotal> order : orders) {
            OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> harness = open(2);
            for (AdTotal offer : order) {
                sum(harness, 0, 1, T0 + MIN, offer.adId, offer.count);
            }
            harness.processWatermark(T0 + MIN - 1);
            assertThat(harness.extractOutputValues())
                    .containsExactly(candidates(0, 1, T0 + MIN, ad("ad1", 4), ad("ad10", 4)));
        }
    }

    /**
     * Sums of many groups interleaved as rolling sums emit them (one key's window sizes at one
     * window end, then the next key), with filters whose recently-used entries collide and groups
     * flushed between sums: each group still gets exactly its own best N.
     */
    @Test
    void interleavedGroupsEachKeepTheirOwnBest() throws Exception {
        OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> harness = open(2);
        int[] filters = {0, 2, 64, 66}; // 0/64 and 2/66 share a recently-used entry
        int[] sizes = {1, 5, 60};
        java.util.Map<String, List<AdTotal>> expected = new java.util.TreeMap<>();
        java.util.Random random = new java.util.Random(7);
        for (int end = 1; end <= 8; end++) {
            long windowEnd = T0 + end * MIN;
            for (int ad = 0; ad < 30; ad++) {
                int filter = filters[random.nextInt(filters.length)];
                for (int size : sizes) {
                    long count = 1 + random.nextInt(50);
                    sum(harness, filter, size, windowEnd, "ad" + ad, count);
                    expected.computeIfAbsent(filter + "/" + size + "/" + end, g -> new ArrayList<>())
                            .add(ad("ad" + ad, count));
                }
            }
            if (end % 3 == 0) {
                harness.processWatermark(windowEnd - 1);
            }
        }
        harness.endInput();

        java.util.Map<String, List<AdTotal>> emitted = new java.util.TreeMap<>();
        for (TopCandidates c : harness.extractOutputValues()) {
            String group = c.filterId + "/" + c.windowMinutes + "/" + (c.windowEnd - T0) / MIN;
            assertThat(emitted.put(group, c.ads)).as("group %s emitted once", group).isNull();
        }
        expected.replaceAll((group, offers) -> {
            List<AdTotal> best = new ArrayList<>(offers);
            best.sort(TopNOrder.INSTANCE);
            return best.subList(0, Math.min(2, best.size()));
        });
        assertThat(emitted).isEqualTo(expected);
        assertThat(pending(harness)).isZero();
    }

    @Test
    void endOfInputFlushesEveryGroup() throws Exception {
        OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> harness = open(3);
        sum(harness, 0, 1, T0 + MIN, "ad1", 1);
        sum(harness, 0, 1, T0 + 9 * MIN, "ad2", 2);
        harness.endInput();
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        candidates(0, 1, T0 + MIN, ad("ad1", 1)),
                        candidates(0, 1, T0 + 9 * MIN, ad("ad2", 2)));
        assertThat(pending(harness)).isZero();
    }

    @Test
    void restoreKeepsTheGroupsNotYetFlushed() throws Exception {
        long w1 = T0 + MIN;
        long w2 = T0 + 2 * MIN;
        OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> before = open(2);
        sum(before, 0, 1, w1, "ad1", 3);
        sum(before, 0, 1, w2, "ad1", 2);
        sum(before, 0, 1, w2, "ad2", 7);
        sum(before, 0, 5, w2, "ad1", 5);
        before.processWatermark(w1 - 1); // flushes w1 before the checkpoint
        assertThat(before.extractOutputValues()).containsExactly(candidates(0, 1, w1, ad("ad1", 3)));
        OperatorSubtaskState snapshot = before.snapshot(1L, w1);

        OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> after =
                new OneInputStreamOperatorTestHarness<>(new LocalTopN(2));
        opened.add(after);
        after.initializeState(snapshot);
        after.open();
        assertThat(pending(after)).isEqualTo(2);

        // the restored group still ranks against what arrives after the restore
        sum(after, 0, 1, w2, "ad3", 4);
        after.processWatermark(w2 - 1);
        assertThat(after.extractOutputValues())
                .containsExactlyInAnyOrder(
                        candidates(0, 1, w2, ad("ad2", 7), ad("ad3", 4)),
                        candidates(0, 5, w2, ad("ad1", 5)));
        assertThat(pending(after)).isZero();
    }

    @Test
    void restoreFromAnEmptySnapshotHoldsNothing() throws Exception {
        OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> before = open(2);
        OperatorSubtaskState snapshot = before.snapshot(1L, T0);

        OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> after =
                new OneInputStreamOperatorTestHarness<>(new LocalTopN(2));
        opened.add(after);
        after.initializeState(snapshot);
        after.open();
        after.processWatermark(T0 + 10 * MIN);
        assertThat(after.extractOutputValues()).isEmpty();
    }

    @Test
    void rejectsNonPositiveN() {
        assertThatThrownBy(() -> new LocalTopN(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top N size must be at least 1, got 0");
    }

    // ---- helpers ----

    private OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> open(int n) throws Exception {
        OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> harness =
                new OneInputStreamOperatorTestHarness<>(new LocalTopN(n));
        opened.add(harness);
        harness.open();
        return harness;
    }

    private static int pending(OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> harness) {
        return ((LocalTopN) harness.getOneInputOperator()).pendingGroups();
    }

    /** A WindowSum as RollingWindowSums emits it, stamped with its window end - 1. */
    private static void sum(
            OneInputStreamOperatorTestHarness<WindowSum, TopCandidates> harness,
            int filterId,
            int windowMinutes,
            long windowEnd,
            String adId,
            long sum)
            throws Exception {
        harness.processElement(
                new StreamRecord<>(
                        new WindowSum(filterId, windowMinutes, windowEnd, adId, sum), windowEnd - 1));
    }

    private static TopCandidates candidates(
            int filterId, int windowMinutes, long windowEnd, AdTotal... ads) {
        return new TopCandidates(filterId, windowMinutes, windowEnd, List.of(ads));
    }

    private static List<AdTotal> reversed(List<AdTotal> list) {
        List<AdTotal> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    private static AdTotal ad(String adId, long count) {
        return new AdTotal(adId, count);
    }
}
