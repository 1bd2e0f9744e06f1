package dev.tally.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The data set: ad of rank r (ad id as the load generator formats it, {@code ad%07d} of r) has in every minute m of
 * the day max(1, round(1000 / r^1.1 x f)) clicks, f in [0.9, 1.1) from a seeded hash of (r, m).
 */
final class ClickModel {
    static final int FILTER = 0;
    static final int MINUTES = 24 * 60;
    static final List<Integer> WINDOWS = List.of(1, 5, 60);
    static final int TOP_N = 100;

    private static final long SEED = 0x7A11_DA5B_0000_0005L;
    /**
     * Ranks that can reach a top 100: every minute, rank <= 100 has at least round(6.31 x 0.9) = 6 clicks and rank
     * > 200 at most round(2.92 x 1.1) = 3, so no ad beyond rank 200 enters any window's top 100.
     */
    private static final int TOP_CANDIDATES = 1000;

    private final int ads;
    private final double[] base;
    private long[][] prefix;

    ClickModel(int ads) {
        this.ads = ads;
        this.base = new double[ads + 1];
        for (int r = 1; r <= ads; r++) {
            base[r] = 1000.0 / StrictMath.pow(r, 1.1);
        }
    }

    static String adId(int rank) {
        return String.format(Locale.ROOT, "ad%07d", rank);
    }

    long count(int rank, int minute) {
        long h = rank * 0x9E3779B97F4A7C15L + minute * 0xC2B2AE3D27D4EB4FL + SEED;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        double factor = 0.9 + 0.2 * ((h >>> 11) * 0x1.0p-53);
        return Math.max(1L, Math.round(base[rank] * factor));
    }

    /** Clicks of an ad in minutes [from, to) of the day. */
    long sum(int rank, int from, int to) {
        long sum = 0;
        for (int m = from; m < to; m++) {
            sum += count(rank, m);
        }
        return sum;
    }

    /** An ordered top list. */
    record TopList(List<String> adIds, List<Long> counts) {}

    /** The top ads of the window of {@code window} minutes ending at minute {@code end} (1 to 1,440) of the day. */
    synchronized TopList top(int window, int end) {
        int candidates = Math.min(ads, TOP_CANDIDATES);
        if (prefix == null) {
            prefix = new long[candidates + 1][MINUTES + 1];
            for (int r = 1; r <= candidates; r++) {
                for (int m = 0; m < MINUTES; m++) {
                    prefix[r][m + 1] = prefix[r][m] + count(r, m);
                }
            }
        }
        int from = Math.max(0, end - window);
        Integer[] ranks = new Integer[candidates];
        long[] sums = new long[candidates + 1];
        for (int r = 1; r <= candidates; r++) {
            ranks[r - 1] = r;
            sums[r] = prefix[r][end] - prefix[r][from];
        }
        // The job's order: count descending, then ad id ascending (ids are zero-padded, so rank ascending).
        Arrays.sort(ranks, (a, b) -> sums[a] != sums[b] ? Long.compare(sums[b], sums[a]) : Integer.compare(a, b));
        List<String> ids = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (int i = 0; i < Math.min(TOP_N, candidates); i++) {
            ids.add(adId(ranks[i]));
            counts.add(sums[ranks[i]]);
        }
        return new TopList(List.copyOf(ids), List.copyOf(counts));
    }
}
