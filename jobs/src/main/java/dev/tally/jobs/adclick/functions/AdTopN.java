package dev.tally.jobs.adclick.functions;

import dev.tally.jobs.kit.rank.BoundedTopN;

/**
 * The kit's bounded top N in the ad-click order, with offers of (ad, count) that make an entry only
 * for a candidate that enters: the walk offers every key's window sums, and most do not enter.
 */
final class AdTopN extends BoundedTopN<AdTotal> {

    AdTopN(int n) {
        super(n, TopNOrder.INSTANCE);
    }

    void offer(String adId, long count) {
        if (wouldEnter(adId, count)) {
            offer(new AdTotal(adId, count));
        }
    }

    /** Whether (count, adId) would enter: there is room, or it ranks before the worst entry. */
    boolean wouldEnter(String adId, long count) {
        AdTotal worst = worstIfFull();
        return worst == null || TopNOrder.compare(count, adId, worst.count, worst.adId) < 0;
    }

    /** Raises the ad's count to {@code count}, or offers it when not held; O(n), for the rare caller. */
    void raise(String adId, long count) {
        raise(new AdTotal(adId, count), (held, candidate) -> held.adId.equals(candidate.adId));
    }
}
