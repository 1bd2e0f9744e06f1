package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** The one top-N order: count descending, then ad id ascending. */
class TopNOrderTest {

    private static final TopNOrder ORDER = TopNOrder.INSTANCE;

    @Test
    void higherCountRanksFirst() {
        assertThat(ORDER.compare(ad("b", 9), ad("a", 3))).isNegative();
        assertThat(ORDER.compare(ad("a", 3), ad("b", 9))).isPositive();
    }

    @Test
    void tiesAreBrokenByAdIdAscending() {
        assertThat(ORDER.compare(ad("ad1", 5), ad("ad2", 5))).isNegative();
        assertThat(ORDER.compare(ad("ad2", 5), ad("ad1", 5))).isPositive();
        assertThat(ORDER.compare(ad("ad1", 5), ad("ad1", 5))).isZero();
        // Lexicographic, as Strings sort: "ad10" before "ad2".
        assertThat(ORDER.compare(ad("ad10", 5), ad("ad2", 5))).isNegative();
    }

    @Test
    void sortsCountDescThenAdIdAsc() {
        List<AdTotal> ads =
                new ArrayList<>(List.of(ad("ad2", 5), ad("ad3", 9), ad("ad10", 5), ad("ad1", 5), ad("ad4", 0)));
        ads.sort(ORDER);
        assertThat(ads).containsExactly(ad("ad3", 9), ad("ad1", 5), ad("ad10", 5), ad("ad2", 5), ad("ad4", 0));
    }

    @Test
    void extremeCountsDoNotOverflow() {
        assertThat(ORDER.compare(ad("a", Long.MAX_VALUE), ad("b", Long.MIN_VALUE)))
                .isNegative();
        assertThat(ORDER.compare(ad("a", Long.MIN_VALUE), ad("b", Long.MAX_VALUE)))
                .isPositive();
        assertThat(ORDER.compare(ad("a", Long.MAX_VALUE), ad("b", -1))).isNegative();
        assertThat(ORDER.compare(ad("a", -1), ad("b", Long.MAX_VALUE))).isPositive();
        assertThat(ORDER.compare(ad("a", 1), ad("b", Long.MIN_VALUE))).isNegative();
        assertThat(ORDER.compare(ad("b", Long.MAX_VALUE), ad("a", Long.MAX_VALUE)))
                .isPositive();
        assertThat(ORDER.compare(ad("a", Long.MIN_VALUE), ad("b", Long.MIN_VALUE)))
                .isNegative();
        // (int) (a - b) would say 0 here and call the two equal.
        assertThat(ORDER.compare(ad("a", 1L << 32), ad("a", 0))).isNegative();
    }

    @Test
    void staticCompareAgreesWithComparator() {
        assertThat(TopNOrder.compare(7, "x", 3, "a")).isNegative();
        assertThat(TopNOrder.compare(3, "a", 3, "b")).isNegative();
        assertThat(TopNOrder.compare(Long.MIN_VALUE, "a", Long.MAX_VALUE, "a")).isPositive();
        assertThat(TopNOrder.compare(4, "q", 4, "q")).isZero();
    }

    @Test
    void deserializesToTheSingleton() throws Exception {
        assertThat(InstantiationUtil.clone(ORDER)).isSameAs(ORDER);
    }

    private static AdTotal ad(String adId, long count) {
        return new AdTotal(adId, count);
    }
}
