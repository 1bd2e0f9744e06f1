package dev.tally.reconciliation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tally.connectors.cassandra.ResultTable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Compares a replay's keyspace with the live one, table by table of the job's result tables, row by
 * row within the range the replay recalculated (each table says which rows: for the ad-click job the
 * counts of the range's minutes and the top-N lists of windows wholly inside it), in bounded memory.
 */
public final class Reconciliation {

    /** One table's tally. */
    public record TableSummary(
            String table,
            long matched,
            long differing,
            long missingInLive,
            long missingInReplay,
            long liveTotal,
            long replayTotal,
            long absoluteDifference) {}

    /** A key whose value differs (0 where one side has no row). */
    public record Difference(String table, String key, long live, long replay) {
        long magnitude() {
            return Math.abs(replay - live);
        }
    }

    /** The whole comparison. {@link #difference()} is what the tolerance is measured against. */
    public record Report(
            String liveKeyspace,
            String replayKeyspace,
            Instant from,
            Instant to,
            List<TableSummary> tables,
            List<Difference> largestDifferences,
            long tolerance) {

        /** Sum of |replay - live| over measured tables (counts), plus the number of differing rows of the others (lists). */
        public long difference() {
            return tables.stream().mapToLong(TableSummary::absoluteDifference).sum();
        }

        public boolean withinTolerance() {
            return difference() <= tolerance;
        }

        public void print(PrintStream out) {
            out.printf(
                    "Reconciliation of %s (live) with %s (replay), [%s, %s)%n", liveKeyspace, replayKeyspace, from, to);
            out.printf(
                    "%-20s %10s %10s %10s %10s %12s %12s%n",
                    "TABLE", "MATCHED", "DIFFERING", "NOT LIVE", "NOT REPLAY", "LIVE TOTAL", "REPLAY TOTAL");
            for (TableSummary t : tables) {
                out.printf(
                        "%-20s %10d %10d %10d %10d %12d %12d%n",
                        t.table(),
                        t.matched(),
                        t.differing(),
                        t.missingInLive(),
                        t.missingInReplay(),
                        t.liveTotal(),
                        t.replayTotal());
            }
            if (!largestDifferences.isEmpty()) {
                out.println("Largest differences (live -> replay):");
                largestDifferences.forEach(
                        d -> out.printf("  %-18s %-56s %8d -> %d%n", d.table(), d.key(), d.live(), d.replay()));
            }
            out.printf(
                    "Difference %d, tolerance %d: %s%n",
                    difference(), tolerance, withinTolerance() ? "WITHIN TOLERANCE" : "EXCEEDS TOLERANCE");
        }

        public void writeJson(Path file) {
            try {
                new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(
                                file.toFile(),
                                Map.of(
                                        "live_keyspace",
                                        liveKeyspace,
                                        "replay_keyspace",
                                        replayKeyspace,
                                        "from",
                                        from.toString(),
                                        "to",
                                        to.toString(),
                                        "tables",
                                        tables,
                                        "largest_differences",
                                        largestDifferences,
                                        "difference",
                                        difference(),
                                        "tolerance",
                                        tolerance,
                                        "within_tolerance",
                                        withinTolerance()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Reconciliation() {}

    /** The difference entries a report keeps: the largest ones. */
    static final int LARGEST = 20;

    /**
     * Compares every table of {@code tables} that a replay recalculates (those with a range), one of
     * {@code splits} token ranges at a time.
     */
    public static Report compare(
            CqlSession session,
            List<ResultTable<?>> tables,
            String liveKeyspace,
            String replayKeyspace,
            Instant from,
            Instant to,
            long tolerance,
            int splits) {
        List<TableSummary> summaries = new ArrayList<>();
        PriorityQueue<Difference> largest = new PriorityQueue<>(Comparator.comparingLong(Difference::magnitude)
                .thenComparing(Difference::key, Comparator.reverseOrder()));
        for (ResultTable<?> table : tables) {
            if (table.range().isPresent()) {
                summaries.add(compareTable(session, table, liveKeyspace, replayKeyspace, from, to, splits, largest));
            }
        }
        List<Difference> differences = new ArrayList<>(largest);
        differences.sort(
                Comparator.comparingLong(Difference::magnitude).reversed().thenComparing(Difference::key));
        return new Report(liveKeyspace, replayKeyspace, from, to, summaries, differences, tolerance);
    }

    private static <T> TableSummary compareTable(
            CqlSession session,
            ResultTable<T> table,
            String liveKeyspace,
            String replayKeyspace,
            Instant from,
            Instant to,
            int splits,
            PriorityQueue<Difference> largest) {
        TableComparison<T> comparison = new TableComparison<>(table, from.toEpochMilli(), to.toEpochMilli());
        TableComparison.Tally tally = comparison.compare(session, liveKeyspace, replayKeyspace, splits, mismatch -> {
            long live = mismatch.live() == null ? 0 : table.measure(mismatch.live());
            long replay = mismatch.replay() == null ? 0 : table.measure(mismatch.replay());
            String key = comparison.describe(mismatch.key());
            if (!table.hasMeasure()) {
                key += " live=" + mismatch.live() + " replay=" + mismatch.replay();
            }
            largest.add(new Difference(table.name(), key, live, replay));
            if (largest.size() > LARGEST) {
                largest.poll();
            }
        });
        return new TableSummary(
                table.name(),
                tally.matched,
                tally.differing,
                tally.missingInLive,
                tally.missingInReplay,
                tally.liveTotal,
                tally.replayTotal,
                tally.absoluteDifference);
    }
}
