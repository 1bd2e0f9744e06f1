package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.jobs.kit.CapturedMetrics;
import dev.tally.schema.adclick.AdCount;
import dev.tally.schema.adclick.TopAds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The second top-N stage: {@link MergeTopN#merge} and the keyed operator around it. */
class MergeTopNHarnessTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = Minutes.MILLIS;

    private KeyedOneInputStreamOperatorTestHarness<RankingKey, TopCandidates, TopAds> harness;
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

    // ---- merge ----

    @Test
    void mergeTakesTheBestOfEachSubtaskList() {
        List<AdTotal> best = MergeTopN.merge(
                3,
                List.of(
                        List.of(ad("ad1", 12), ad("ad3", 5), ad("ad2", 3)),
                        List.of(ad("ad7", 9), ad("ad10", 4), ad("ad8", 3)),
                        List.of(ad("ad13", 8), ad("ad11", 4), ad("ad15", 3))));
        assertThat(best).containsExactly(ad("ad1", 12), ad("ad7", 9), ad("ad13", 8));
    }

    @Test
    void mergeOfLongerLists() {
        List<AdTotal> best = MergeTopN.merge(
                3,
                List.of(
                        List.of(ad("ad3", 12), ad("ad6", 5), ad("ad9", 3), ad("ad12", 1)),
                        List.of(ad("ad1", 9), ad("ad4", 4), ad("ad7", 3), ad("ad10", 2), ad("ad13", 1)),
                        List.of(ad("ad2", 8), ad("ad5", 4), ad("ad8", 3), ad("ad11", 2), ad("ad14", 1))));
        assertThat(best).containsExactly(ad("ad3", 12), ad("ad1", 9), ad("ad2", 8));
    }

    @Test
    void tiesAcrossListsAreBrokenByAdId() {
        List<AdTotal> best = MergeTopN.merge(
                3,
                List.of(
                        List.of(ad("ad9", 5), ad("ad4", 2)),
                        List.of(ad("ad5", 5), ad("ad3", 2)),
                        List.of(ad("ad10", 5), ad("ad2", 2))));
        // "ad10" < "ad5" < "ad9" as Strings; the bound N cuts inside the tie.
        assertThat(best).containsExactly(ad("ad10", 5), ad("ad5", 5), ad("ad9", 5));

        assertThat(MergeTopN.merge(
                        4, List.of(List.of(ad("ad9", 5), ad("ad4", 2)), List.of(ad("ad5", 5), ad("ad3", 2)))))
                .containsExactly(ad("ad5", 5), ad("ad9", 5), ad("ad3", 2), ad("ad4", 2));
    }

    @Test
    void anAdInSeveralListsKeepsItsLargestCount() {
        // Candidates are window totals, so they are never added up.
        List<AdTotal> best = MergeTopN.merge(
                2, List.of(List.of(ad("ad1", 4), ad("ad2", 6)), List.of(ad("ad1", 7)), List.of(ad("ad2", 1))));
        assertThat(best).containsExactly(ad("ad1", 7), ad("ad2", 6));
    }

    @Test
    void mergeOfFewerThanNOrNone() {
        assertThat(MergeTopN.merge(5, List.of(List.of(ad("b", 1)), List.of(ad("a", 1)))))
                .containsExactly(ad("a", 1), ad("b", 1));
        assertThat(MergeTopN.merge(5, List.of(List.of(), List.of()))).isEmpty();
        assertThat(MergeTopN.merge(5, List.of())).isEmpty();
    }

    @Test
    void mergeOrderDoesNotMatter() {
        List<List<AdTotal>> lists = List.of(
                List.of(ad("ad1", 3), ad("ad2", 3)), List.of(ad("ad0", 3), ad("ad4", 9)), List.of(ad("ad3", 3)));
        List<List<AdTotal>> reversed = new ArrayList<>(lists);
        Collections.reverse(reversed);
        List<AdTotal> expected = List.of(ad("ad4", 9), ad("ad0", 3), ad("ad1", 3));
        assertThat(MergeTopN.merge(3, lists)).containsExactlyElementsOf(expected);
        assertThat(MergeTopN.merge(3, reversed)).containsExactlyElementsOf(expected);
    }

    @Test
    void rejectsNonPositiveN() {
        assertThatThrownBy(() -> new MergeTopN(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top N size must be at least 1, got 0");
    }

    // ---- the keyed operator ----

    @Test
    void mergesSubtaskCandidatesAtTheTimer() throws Exception {
        open(3);
        long w = T0 + 5 * MIN;
        candidates(0, 5, w, ad("ad1", 12), ad("ad3", 5), ad("ad2", 3));
        candidates(0, 5, w, ad("ad7", 9), ad("ad10", 4), ad("ad8", 3));
        candidates(0, 5, w, ad("ad13", 8), ad("ad11", 4), ad("ad15", 3));
        candidates(1, 5, w, ad("ad2", 2));
        candidates(1, 1, w, ad("ad2", 1), ad("ad4", 1));

        // one map entry and one timer per ranking key
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);
        assertThat(harness.numEventTimeTimers()).isEqualTo(3);

        harness.processWatermark(w - 2);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(w - 1);
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        topAds(0, 5, w, ad("ad1", 12), ad("ad7", 9), ad("ad13", 8)),
                        topAds(1, 5, w, ad("ad2", 2)),
                        topAds(1, 1, w, ad("ad2", 1), ad("ad4", 1)));
        assertThat(harness.extractOutputStreamRecords())
                .allSatisfy(r -> assertThat(r.getTimestamp()).isEqualTo(w - 1));
        assertThat(harness.getOutput().stream().reduce((a, b) -> b)).contains(new Watermark(w - 1));

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(metrics.count("late-candidates")).isZero();
    }

    @Test
    void windowStartIsWindowEndMinusMMinutes() throws Exception {
        open(2);
        long w = T0 + 60 * MIN;
        candidates(0, 60, w, ad("ad1", 100));
        candidates(0, 1, w, ad("ad1", 2));
        harness.processWatermark(w - 1);

        assertThat(harness.extractOutputValues())
                .extracting(TopAds::getWindowMinutes, TopAds::getWindowStart, TopAds::getWindowEnd)
                .containsExactlyInAnyOrder(Tuple.tuple(60, T0, w), Tuple.tuple(1, w - MIN, w));
    }

    @Test
    void eachWindowEndIsEmittedByItsOwnTimer() throws Exception {
        open(2);
        long w1 = T0 + MIN;
        long w2 = T0 + 2 * MIN;
        candidates(0, 1, w2, ad("ad5", 4));
        candidates(0, 1, w1, ad("ad1", 3), ad("ad2", 1));
        candidates(0, 1, w1, ad("ad3", 2));
        candidates(0, 1, w2, ad("ad6", 4));
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        harness.processWatermark(w1 - 1);
        assertThat(harness.extractOutputValues()).containsExactly(topAds(0, 1, w1, ad("ad1", 3), ad("ad3", 2)));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.getOutput().clear();
        harness.processWatermark(w2 - 1);
        assertThat(harness.extractOutputValues()).containsExactly(topAds(0, 1, w2, ad("ad5", 4), ad("ad6", 4)));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void candidatesForAnEmittedWindowAreDroppedAndCounted() throws Exception {
        open(2);
        long w = T0 + MIN;
        candidates(0, 1, w, ad("ad1", 3));
        harness.processWatermark(w - 1);
        harness.getOutput().clear();

        candidates(0, 1, w, ad("ad9", 99));
        harness.processWatermark(w + MIN);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(metrics.count("late-candidates")).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    // ---- helpers ----

    private void open(int n) throws Exception {
        metrics = new CapturedMetrics();
        environment = metrics.environment();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new MergeTopN(n)),
                new RankingKey.Selector(),
                TypeInformation.of(RankingKey.class),
                environment);
        harness.open();
    }

    /** One RollingTopCandidates subtask's output, stamped as it stamps it. */
    private void candidates(int filterId, int windowMinutes, long windowEnd, AdTotal... ads) throws Exception {
        harness.processElement(
                new StreamRecord<>(new TopCandidates(filterId, windowMinutes, windowEnd, List.of(ads)), windowEnd - 1));
    }

    private static TopAds topAds(int filterId, int windowMinutes, long windowEnd, AdTotal... ads) {
        List<AdCount> counts = new ArrayList<>();
        for (AdTotal ad : ads) {
            counts.add(new AdCount(ad.adId, ad.count));
        }
        return TopAds.newBuilder()
                .setFilterId(filterId)
                .setWindowMinutes(windowMinutes)
                .setWindowStart(windowEnd - windowMinutes * MIN)
                .setWindowEnd(windowEnd)
                .setAds(counts)
                .build();
    }

    private static AdTotal ad(String adId, long count) {
        return new AdTotal(adId, count);
    }
}
