package dev.tally.jobs.adclick.functions;

import java.io.Serializable;
import java.util.Comparator;

/** The one top-N order: count descending, then ad id ascending (lexicographic, as Strings sort). */
public final class TopNOrder implements Comparator<AdTotal>, Serializable {

    private static final long serialVersionUID = 1L;

    public static final TopNOrder INSTANCE = new TopNOrder();

    private TopNOrder() {}

    /** Negative when (countA, adA) ranks before (countB, adB). */
    public static int compare(long countA, String adA, long countB, String adB) {
        int byCount = Long.compare(countB, countA);
        return byCount != 0 ? byCount : adA.compareTo(adB);
    }

    @Override
    public int compare(AdTotal a, AdTotal b) {
        return compare(a.count, a.adId, b.count, b.adId);
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
