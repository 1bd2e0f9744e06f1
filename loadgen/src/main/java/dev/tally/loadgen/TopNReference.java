package dev.tally.loadgen;

import dev.tally.loadgen.reference.ReferenceTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The top-N lists a correct job emits, computed directly from per-minute counts: for every filter, window
 * size M and minute boundary w with any clicks in [w - M, w), the N ads with the most clicks there.
 */
public final class TopNReference {

    /** (filter, window size, window end). */
    public record WindowKey(int filterId, int windowMinutes, long windowEnd) {}

    /** An ad and its count in a ranked list. */
    public record Entry(String adId, long count) {}

    /** The SPEC's ranking: most clicks first, ties by ad id ascending. */
    static final Comparator<Entry> RANK =
            Comparator.comparingLong(Entry::count).reversed().thenComparing(Entry::adId);

    private TopNReference() {}

    public static Map<WindowKey, List<Entry>> compute(
            Map<GroundTruth.CountKey, Long> counts, int[] windowMinutes, int n) {
        // filter -> minute -> ad -> count
        Map<Integer, TreeMap<Long, Map<String, Long>>> byFilter = new HashMap<>();
        counts.forEach((k, c) -> byFilter.computeIfAbsent(k.filterId(), f -> new TreeMap<>())
                .computeIfAbsent(k.minute(), m -> new HashMap<>())
                .merge(k.adId(), c, Long::sum));
        Map<WindowKey, List<Entry>> result = new HashMap<>();
        byFilter.forEach((filter, minutes) -> {
            for (int m : windowMinutes) {
                long size = m * ReferenceTime.MINUTE_MILLIS;
                java.util.TreeSet<Long> ends = new java.util.TreeSet<>();
                for (long minute : minutes.keySet()) {
                    for (int k = 1; k <= m; k++) {
                        ends.add(minute + k * ReferenceTime.MINUTE_MILLIS);
                    }
                }
                for (long end : ends) {
                    Map<String, Long> sums = new HashMap<>();
                    minutes.subMap(end - size, true, end, false)
                            .values()
                            .forEach(adCounts -> adCounts.forEach((ad, c) -> sums.merge(ad, c, Long::sum)));
                    List<Entry> ranked = new ArrayList<>();
                    sums.forEach((ad, c) -> ranked.add(new Entry(ad, c)));
                    ranked.sort(RANK);
                    result.put(
                            new WindowKey(filter, m, end), List.copyOf(ranked.subList(0, Math.min(n, ranked.size()))));
                }
            }
        });
        return result;
    }
}
