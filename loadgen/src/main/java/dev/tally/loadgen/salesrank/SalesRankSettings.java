package dev.tally.loadgen.salesrank;

import java.time.Duration;

/**
 * What the purchase generator produces: how many records, over how many products and categories, how
 * dense in event time, and what share of the records each injected fault takes.
 *
 * @param records records to produce, faults included
 * @param products distinct products, bought with Zipf-skewed popularity of {@code zipfExponent}
 * @param categories distinct categories; each product is in 1 to 3 of them, for good
 * @param purchasesPerSecond new purchases per second of event time
 * @param startMillis event time of the first purchase
 * @param maxDisorder how far behind the stream front a purchase's ts may be
 * @param conflictShare share of records that re-use a recent tx_id with another qty (dead letters)
 * @param lateShare share of records that are new purchases {@code lateBy} behind the front
 */
public record SalesRankSettings(
        long seed,
        long records,
        int products,
        int categories,
        double zipfExponent,
        long purchasesPerSecond,
        long startMillis,
        Duration maxDisorder,
        double duplicateShare,
        double conflictShare,
        double lateShare,
        Duration lateBy,
        double malformedShare) {

    public SalesRankSettings {
        if (maxDisorder.isNegative() || lateBy.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (products < 1 || categories < 1 || purchasesPerSecond < 1) {
            throw new IllegalArgumentException("need at least 1 product, 1 category and 1 purchase per second");
        }
        for (double share : new double[] {duplicateShare, conflictShare, lateShare, malformedShare}) {
            if (share < 0 || share > 1) {
                throw new IllegalArgumentException("shares must be in [0, 1], was " + share);
            }
        }
        if (duplicateShare + conflictShare + lateShare + malformedShare >= 1) {
            throw new IllegalArgumentException("fault shares must add up to less than 1");
        }
    }

    /** Small, fault-rich settings for tests: 300 products in 12 categories, 20 purchases a second of event time. */
    public static SalesRankSettings forTest(long seed, long records, long startMillis) {
        return new SalesRankSettings(
                seed,
                records,
                300,
                12,
                1.0,
                20,
                startMillis,
                Duration.ofSeconds(2),
                0.02,
                0.01,
                0.01,
                Duration.ofHours(3),
                0.01);
    }
}
