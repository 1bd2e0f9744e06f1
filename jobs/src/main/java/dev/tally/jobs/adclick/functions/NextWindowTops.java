package dev.tally.jobs.adclick.functions;

import com.carrotsearch.hppc.IntObjectHashMap;
import java.util.HashSet;
import java.util.Set;

/**
 * For the windows that end at the next minute boundary {@code windowEnd}, each (filter, window
 * size)'s best {@code keep} ads by their sum without the window's last minute, which is still open:
 * the walk over every key fills it at one boundary, and at the next, when that minute closes, it
 * completes the lists from the closing minute's counts on the heap, so they need not wait for the
 * next walk.
 *
 * <p>Why that is exact: an ad's sum is its partial sum plus its count in the closing minute. An ad
 * not kept ranks after the worst kept one by its partial sum. If it has no count in the closing
 * minute, it still ranks after every kept ad, and {@code keep >= n} kept ads fill a list of n before
 * it. If it has one, its sum is at most the worst kept partial sum plus that count; only when that
 * bound could enter the list is its partial sum read from the keyed state. A (filter, window size)
 * that kept fewer than {@code keep} ads kept every ad with a partial sum, so the others' is 0.
 *
 * <p>A late partial raises an ad's partial sum between the boundaries ({@link #raise}); raising
 * keeps the ads turned away ranked after the worst kept one. Not checkpointed: after a restore the
 * first boundary's walk makes the lists, as it does whenever more than one window is due at once.
 * Not thread-safe; its operator's task thread is its only user.
 */
final class NextWindowTops {

    /** Reads a key's counts from the keyed state, null when it holds none. */
    @FunctionalInterface
    interface StoredCounts {
        long[] of(AdFilterKey key) throws Exception;
    }

    private final int keep;
    private final long windowEnd;
    private final int[] windowMinutes;
    private final long[] windowMillis;
    /** By filter, then by the index of the window size: the best partial sums, null until one is offered. */
    private final IntObjectHashMap<Kept[]> byFilter = new IntObjectHashMap<>();

    /**
     * @param keep how many partial sums to keep per (filter, window size): at least the lists' n
     * @param windowEnd the window end whose windows these are
     * @param windowMinutes the window sizes, as the operator has them
     */
    NextWindowTops(int keep, long windowEnd, int[] windowMinutes) {
        this.keep = AdTopN.checkSize(keep);
        this.windowEnd = windowEnd;
        this.windowMinutes = windowMinutes;
        this.windowMillis = new long[windowMinutes.length];
        for (int i = 0; i < windowMinutes.length; i++) {
            windowMillis[i] = windowMinutes[i] * Minutes.MILLIS;
        }
    }

    long windowEnd() {
        return windowEnd;
    }

    /** Offers each of the key's partial sums; every key is offered at most once, by the walk. */
    void offer(AdFilterKey key, long[] counts) {
        for (int i = 0; i < windowMillis.length; i++) {
            long sum = partialSum(counts, i);
            if (sum > 0) {
                kept(key.filterId, i).best.offer(key.adId, sum);
            }
        }
    }

    /** Takes the key's partial sums again, after a late partial has raised its counts. */
    void raise(AdFilterKey key, long[] counts) {
        for (int i = 0; i < windowMillis.length; i++) {
            long sum = partialSum(counts, i);
            if (sum > 0) {
                kept(key.filterId, i).best.raise(key.adId, sum);
            }
        }
    }

    /**
     * Offers to {@code lists} every sum that can enter the best n of the windows ending at {@link
     * #windowEnd}, once the minute before it has closed with the counts {@code closing} (null when
     * it had none). Reads the partial sum of a key only when its bound could enter.
     *
     * @return how many keys' counts it read from the keyed state
     */
    long complete(OpenMinuteCounts.Minute<AdFilterKey> closing, StoredCounts stored, WindowTops lists)
            throws Exception {
        for (var filter : byFilter) {
            for (int i = 0; i < windowMillis.length; i++) {
                Kept kept = filter.value[i];
                if (kept == null) {
                    continue;
                }
                for (AdTotal ad : kept.best.entries()) {
                    long count = closing == null ? 0 : closing.count(new AdFilterKey(ad.adId, filter.key));
                    lists.offer(filter.key, windowMinutes[i], windowEnd, ad.adId, ad.count + count);
                }
            }
        }
        if (closing == null) {
            return 0;
        }
        long[] reads = {0};
        closing.forEach((key, count, inState) -> {
            Kept[] byWindow = byFilter.get(key.filterId);
            long[] counts = null;
            boolean read = false;
            for (int i = 0; i < windowMillis.length; i++) {
                Kept kept = byWindow == null ? null : byWindow[i];
                if (kept != null && kept.ads().contains(key.adId)) {
                    continue; // offered above
                }
                long partial = 0; // what every key turned away by a list not full has
                if (kept != null && kept.best.isFull()) {
                    AdTotal worst = kept.best.worst();
                    if (!lists.wouldEnter(key.filterId, windowMinutes[i], windowEnd, key.adId, worst.count + count)) {
                        continue;
                    }
                    if (!read) {
                        counts = stored.of(key);
                        read = true;
                        reads[0]++;
                    }
                    partial = counts == null ? 0 : partialSum(counts, i);
                }
                lists.offer(key.filterId, windowMinutes[i], windowEnd, key.adId, partial + count);
            }
        });
        return reads[0];
    }

    /** The sum of the counts in the window of size index {@code i} ending at {@link #windowEnd}, but its last minute. */
    private long partialSum(long[] counts, int i) {
        return MinuteCounts.sum(counts, windowEnd - windowMillis[i], windowEnd - Minutes.MILLIS);
    }

    private Kept kept(int filterId, int i) {
        Kept[] byWindow = byFilter.get(filterId);
        if (byWindow == null) {
            byWindow = new Kept[windowMillis.length];
            byFilter.put(filterId, byWindow);
        }
        if (byWindow[i] == null) {
            byWindow[i] = new Kept(keep);
        }
        return byWindow[i];
    }

    /** The best partial sums of one (filter, window size). */
    private static final class Kept {
        final AdTopN best;
        /** Their ads, for the closing minute's keys to look up; made when the lists are completed. */
        private Set<String> ads;

        Kept(int keep) {
            best = new AdTopN(keep);
        }

        Set<String> ads() {
            if (ads == null) {
                ads = new HashSet<>();
                for (AdTotal ad : best.entries()) {
                    ads.add(ad.adId);
                }
            }
            return ads;
        }
    }
}
