package dev.tally.reconciliation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares a replayed version of the ad-click results with the live one, key by key: per-minute counts
 * by (ad_id, filter_id, minute), the country dimension, and the top-N lists of windows inside the range.
 */
public final class Reconciliation {

    /** One table's tally. */
    public record TableSummary(
            String table, long matched, long differing, long missingInLive, long missingInReplay, long liveTotal, long replayTotal,
            long absoluteDifference) {}

    /** A key whose value differs (0 where one side has no row). */
    public record Difference(String table, String key, long live, long replay) {
        long magnitude() {
            return Math.abs(replay - live);
        }
    }

    /** The whole comparison. {@link #difference()} is what the tolerance is measured against. */
    public record Report(
            String liveKeyspace, String replayKeyspace, Instant from, Instant to, List<TableSummary> tables,
            List<Difference> largestDifferences, long tolerance) {

        /** Sum of |replay - live| over counts and country counts, plus the number of differing top-N lists. */
        public long difference() {
            return tables.stream().mapToLong(TableSummary::absoluteDifference).sum();
        }

        public boolean withinTolerance() {
            return difference() <= tolerance;
        }

        public void print(PrintStream out) {
            out.printf("Reconciliation of %s (live) with %s (replay), [%s, %s)%n", liveKeyspace, replayKeyspace, from, to);
            out.printf("%-20s %10s %10s %10s %10s %12s %12s%n", "TABLE", "MATCHED", "DIFFERING", "NOT LIVE", "NOT REPLAY", "LIVE TOTAL", "REPLAY TOTAL");
            for (TableSummary t : tables) {
                out.printf("%-20s %10d %10d %10d %10d %12d %12d%n", t.table(), t.matched(), t.differing(), t.missingInLive(),
                        t.missingInReplay(), t.liveTotal(), t.replayTotal());
            }
            if (!largestDifferences.isEmpty()) {
                out.println("Largest differences (live -> replay):");
                largestDifferences.forEach(d -> out.printf("  %-18s %-56s %8d -> %d%n", d.table(), d.key(), d.live(), d.replay()));
            }
            out.printf("Difference %d, tolerance %d: %s%n", difference(), tolerance, withinTolerance() ? "WITHIN TOLERANCE" : "EXCEEDS TOLERANCE");
        }

        public void writeJson(Path file) {
            try {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), Map.of(
                        "live_keyspace", liveKeyspace, "replay_keyspace", replayKeyspace, "from", from.toString(), "to", to.toString(),
                        "tables", tables, "largest_differences", largestDifferences, "difference", difference(),
                        "tolerance", tolerance, "within_tolerance", withinTolerance()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Reconciliation() {}

    public static Report compare(
            CqlSession session, String liveKeyspace, String replayKeyspace, Instant from, Instant to, long tolerance) {
        ResultTables live = ResultTables.read(session, liveKeyspace, from, to);
        ResultTables replay = ResultTables.read(session, replayKeyspace, from, to);
        List<Difference> differences = new ArrayList<>();
        List<TableSummary> tables = new ArrayList<>();
        tables.add(countTable("ad_click_counts", live.counts, replay.counts, differences));
        tables.add(countTable("ad_country_counts", live.countryCounts, replay.countryCounts, differences));
        tables.add(topTable(live.topAds, replay.topAds, differences));
        differences.sort(Comparator.comparingLong(Difference::magnitude).reversed().thenComparing(Difference::key));
        return new Report(liveKeyspace, replayKeyspace, from, to, tables, List.copyOf(differences.subList(0, Math.min(20, differences.size()))), tolerance);
    }

    private static <K> TableSummary countTable(String table, Map<K, Long> live, Map<K, Long> replay, List<Difference> differences) {
        long matched = 0, differing = 0, missingInLive = 0, missingInReplay = 0, absolute = 0;
        Set<K> keys = new HashSet<>(live.keySet());
        keys.addAll(replay.keySet());
        for (K key : keys) {
            Long l = live.get(key);
            Long r = replay.get(key);
            if (Objects.equals(l, r)) {
                matched++;
                continue;
            }
            if (l == null) {
                missingInLive++;
            } else if (r == null) {
                missingInReplay++;
            } else {
                differing++;
            }
            long lv = l == null ? 0 : l;
            long rv = r == null ? 0 : r;
            absolute += Math.abs(rv - lv);
            differences.add(new Difference(table, key.toString(), lv, rv));
        }
        return new TableSummary(table, matched, differing, missingInLive, missingInReplay, sum(live), sum(replay), absolute);
    }

    private static TableSummary topTable(
            Map<ResultTables.WindowKey, ResultTables.TopRow> live, Map<ResultTables.WindowKey, ResultTables.TopRow> replay,
            List<Difference> differences) {
        long matched = 0, differing = 0, missingInLive = 0, missingInReplay = 0;
        Set<ResultTables.WindowKey> keys = new HashSet<>(live.keySet());
        keys.addAll(replay.keySet());
        for (ResultTables.WindowKey key : keys) {
            ResultTables.TopRow l = live.get(key);
            ResultTables.TopRow r = replay.get(key);
            if (Objects.equals(l, r)) {
                matched++;
            } else {
                if (l == null) {
                    missingInLive++;
                } else if (r == null) {
                    missingInReplay++;
                } else {
                    differing++;
                }
                differences.add(new Difference("top_ads", key + " live=" + describe(l) + " replay=" + describe(r),
                        l == null ? 0 : l.adIds().size(), r == null ? 0 : r.adIds().size()));
            }
        }
        long listsDiffering = differing + missingInLive + missingInReplay;
        return new TableSummary("top_ads", matched, differing, missingInLive, missingInReplay, live.size(), replay.size(), listsDiffering);
    }

    private static String describe(ResultTables.TopRow row) {
        if (row == null) {
            return "none";
        }
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < row.adIds().size(); i++) {
            text.append(i == 0 ? "" : " ").append(row.adIds().get(i)).append(':').append(row.counts().get(i));
        }
        return text.append(']').toString();
    }

    private static <K> long sum(Map<K, Long> values) {
        return values.values().stream().mapToLong(Long::longValue).sum();
    }
}
