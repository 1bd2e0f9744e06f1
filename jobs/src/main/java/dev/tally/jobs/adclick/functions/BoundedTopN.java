package dev.tally.jobs.adclick.functions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.PriorityQueue;

/** The best {@code n} ads offered so far, in O(log n) per offer; not thread-safe. */
final class BoundedTopN {

    private final int n;

    /** Worst first, so the entry to evict is always at the head. */
    private final PriorityQueue<AdTotal> worstFirst;

    BoundedTopN(int n) {
        this.n = checkSize(n);
        this.worstFirst = new PriorityQueue<>(Math.min(n, 1024) + 1, TopNOrder.INSTANCE.reversed());
    }

    void offer(AdTotal candidate) {
        if (worstFirst.size() < n) {
            worstFirst.add(candidate);
        } else if (TopNOrder.INSTANCE.compare(candidate, worstFirst.peek()) < 0) {
            worstFirst.poll();
            worstFirst.add(candidate);
        }
    }

    /** {@link #offer(AdTotal)} that allocates only for a candidate that enters: most do not. */
    void offer(String adId, long count) {
        if (worstFirst.size() < n) {
            worstFirst.add(new AdTotal(adId, count));
        } else {
            AdTotal worst = worstFirst.peek();
            if (TopNOrder.compare(count, adId, worst.count, worst.adId) < 0) {
                worstFirst.poll();
                worstFirst.add(new AdTotal(adId, count));
            }
        }
    }

    /** Whether (count, adId) would enter: there is room, or it ranks before the worst entry. */
    boolean wouldEnter(String adId, long count) {
        if (worstFirst.size() < n) {
            return true;
        }
        AdTotal worst = worstFirst.peek();
        return TopNOrder.compare(count, adId, worst.count, worst.adId) < 0;
    }

    /**
     * Raises the ad's count to {@code count}: it replaces the ad's entry if it holds one, else the
     * ad is offered. O(n), for the rare caller.
     */
    void raise(String adId, long count) {
        for (Iterator<AdTotal> it = worstFirst.iterator(); it.hasNext(); ) {
            AdTotal held = it.next();
            if (held.adId.equals(adId)) {
                if (held.count >= count) {
                    return;
                }
                it.remove();
                worstFirst.add(new AdTotal(adId, count));
                return;
            }
        }
        offer(adId, count);
    }

    /** Whether it holds n entries, so that everything it turned away ranks after {@link #worst}. */
    boolean isFull() {
        return worstFirst.size() >= n;
    }

    /** The entry that ranks last, or null when empty. */
    AdTotal worst() {
        return worstFirst.peek();
    }

    /** The entries in no particular order; not to be changed. */
    Collection<AdTotal> entries() {
        return worstFirst;
    }

    /** Best first; an ArrayList so it can go straight into a {@link TopCandidates}. */
    ArrayList<AdTotal> sorted() {
        ArrayList<AdTotal> best = new ArrayList<>(worstFirst);
        best.sort(TopNOrder.INSTANCE);
        return best;
    }

    static int checkSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("top N size must be at least 1, got " + n);
        }
        return n;
    }
}
