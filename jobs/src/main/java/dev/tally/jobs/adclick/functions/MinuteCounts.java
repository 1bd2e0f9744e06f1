package dev.tally.jobs.adclick.functions;

/**
 * The per-key state of {@link RollingTopCandidates} as one {@code long[]}: element 0 is the first
 * window end the key may still have to emit (windows before it were emitted or hold none of its
 * counts), followed by (minute start, count) pairs in ascending minute order, each minute at most
 * once: {@code [nextWindowEnd, minute0, count0, minute1, count1, ...]}.
 *
 * <p>One array per key, not a state entry per minute, means one value to read and at most one to
 * write per key in a walk or for a late partial. A key holds at most the largest window's minutes
 * (60 by default, usually a few), so the linear scans below cost less than a state access.
 *
 * <p>No method modifies its argument: a changed array is a new one, and an unchanged one is
 * returned as is. An array read from heap state is the stored object itself, so changing it in
 * place would change the state without an update.
 */
final class MinuteCounts {

    private static final int HEADER = 1;

    private MinuteCounts() {}

    /** No minutes yet; the key's windows before {@code nextWindowEnd} are out or hold none of its counts. */
    static long[] of(long nextWindowEnd) {
        return new long[] {nextWindowEnd};
    }

    static long nextWindowEnd(long[] counts) {
        return counts[0];
    }

    static long[] withNextWindowEnd(long[] counts, long nextWindowEnd) {
        if (counts[0] == nextWindowEnd) {
            return counts;
        }
        long[] changed = counts.clone();
        changed[0] = nextWindowEnd;
        return changed;
    }

    /** The number of minutes held. */
    static int size(long[] counts) {
        return (counts.length - HEADER) / 2;
    }

    /** The start of the {@code i}th minute held, in minute order. */
    static long minute(long[] counts, int i) {
        return counts[HEADER + 2 * i];
    }

    /** The count of the {@code i}th minute held. */
    static long count(long[] counts, int i) {
        return counts[HEADER + 2 * i + 1];
    }

    static boolean isEmpty(long[] counts) {
        return counts.length == HEADER;
    }

    /** The start of the earliest minute held; there must be one. */
    static long earliestMinute(long[] counts) {
        if (isEmpty(counts)) {
            throw new IllegalStateException("no minute held");
        }
        return counts[HEADER];
    }

    /** The count of {@code minute}, 0 when it is not held. */
    static long get(long[] counts, long minute) {
        int at = find(counts, minute);
        return at >= 0 ? counts[at + 1] : 0L;
    }

    /** Sets the count of {@code minute}, replacing any earlier count for it. */
    static long[] put(long[] counts, long minute, long count) {
        int at = find(counts, minute);
        if (at >= 0) {
            if (counts[at + 1] == count) {
                return counts;
            }
            long[] replaced = counts.clone();
            replaced[at + 1] = count;
            return replaced;
        }
        int insertAt = -at - 1;
        long[] grown = new long[counts.length + 2];
        System.arraycopy(counts, 0, grown, 0, insertAt);
        grown[insertAt] = minute;
        grown[insertAt + 1] = count;
        System.arraycopy(counts, insertAt, grown, insertAt + 2, counts.length - insertAt);
        return grown;
    }

    /** Drops every minute before {@code minute}. */
    static long[] removeBefore(long[] counts, long minute) {
        int keepFrom = HEADER;
        while (keepFrom < counts.length && counts[keepFrom] < minute) {
            keepFrom += 2;
        }
        if (keepFrom == HEADER) {
            return counts;
        }
        long[] kept = new long[counts.length - (keepFrom - HEADER)];
        kept[0] = counts[0];
        System.arraycopy(counts, keepFrom, kept, HEADER, counts.length - keepFrom);
        return kept;
    }

    /** The sum of the counts of the minutes in [{@code fromMinute}, {@code toMinute}). */
    static long sum(long[] counts, long fromMinute, long toMinute) {
        long sum = 0;
        for (int i = HEADER; i < counts.length && counts[i] < toMinute; i += 2) {
            if (counts[i] >= fromMinute) {
                sum += counts[i + 1];
            }
        }
        return sum;
    }

    /**
     * The index of {@code minute}'s pair, or {@code -(insertion index) - 1} when it is not held, as
     * {@link java.util.Arrays#binarySearch(long[], long)} reports it.
     */
    private static int find(long[] counts, long minute) {
        // From the end: a key's counts mostly arrive in minute order, so the newest goes last.
        int i = counts.length - 2;
        while (i >= HEADER && counts[i] > minute) {
            i -= 2;
        }
        if (i >= HEADER && counts[i] == minute) {
            return i;
        }
        return -(i + 2) - 1;
    }
}
