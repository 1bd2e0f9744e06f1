package dev.tally.dashboard;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.schema.metrics.MetricRollup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The metrics queries: a series' buckets in a range, read one partition (a UTC day of minutes or a
 * UTC month of hours) per statement, and the series keys there are.
 *
 * <p>Finding the series of a name is a stopgap: the job does not write the label-to-series table
 * ({@code metric_series}) yet, so keys come from a {@code SELECT DISTINCT} of the rollup table's
 * partition keys, a scan of the whole token ring that stops at a limit. Once that table is written,
 * {@link #scan} becomes a read of the name's one partition there.
 */
final class MetricsQueries {

    /** Partition reads in flight at once: enough to hide round trips, few enough not to crowd the driver's connection. */
    private static final int IN_FLIGHT = 16;
    /** Rows per page of the scan, so each page returns well within the driver's 2-second request timeout. */
    private static final int SCAN_PAGE = 1_000;

    /** The distinct series keys a scan found that the filter kept, and whether it read every partition before its limit. */
    record SeriesScan(String table, SortedSet<String> keys, int partitionsRead, int limit) {
        /** False when the scan stopped at its limit: series beyond it are missing from {@link #keys}. */
        boolean complete() {
            return partitionsRead < limit;
        }
    }

    private final CassandraSessions cassandra;
    private final Map<CqlSession, Map<String, PreparedStatement>> prepared = new ConcurrentHashMap<>();

    MetricsQueries(CassandraSessions cassandra) {
        this.cassandra = cassandra;
    }

    static String sliceCql(MetricResolution resolution) {
        return resolution.table().selectCql() + " WHERE series_key = ? AND " + resolution.partitionColumn()
                + " = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start ASC";
    }

    static String distinctCql(MetricResolution resolution) {
        return "SELECT DISTINCT series_key, " + resolution.partitionColumn() + " FROM "
                + resolution.table().name() + " LIMIT ?";
    }

    /**
     * The keys of the series with a partition among the first {@code limit} partitions of the
     * resolution's table (token order, so which ones is arbitrary when the limit is reached) that
     * {@code keep} accepts.
     */
    SeriesScan scan(MetricResolution resolution, Predicate<String> keep, int limit) {
        return cassandra.query(session -> {
            SortedSet<String> keys = new TreeSet<>();
            int partitions = 0;
            for (Row row : session.execute(
                    statement(session, distinctCql(resolution)).bind(limit).setPageSize(SCAN_PAGE))) {
                partitions++;
                String key = row.getString("series_key");
                if (!keys.contains(key) && keep.test(key)) {
                    keys.add(key);
                }
            }
            return new SeriesScan(resolution.table().name(), keys, partitions, limit);
        });
    }

    /**
     * The buckets of each series that start in [from, to), oldest first, by key in the given order
     * (an empty list for a series without any).
     */
    Map<String, List<MetricRollup>> buckets(
            MetricResolution resolution, Collection<String> keys, Instant from, Instant to) {
        List<Object> partitions = resolution.partitions(from, to);
        return cassandra.query(session -> {
            PreparedStatement slice = statement(session, sliceCql(resolution));
            // One read per (series, partition), in that order, so concatenating them keeps each series' buckets
            // ascending.
            List<String> readKeys = new ArrayList<>();
            List<Object> readPartitions = new ArrayList<>();
            for (String key : keys) {
                for (Object partition : partitions) {
                    readKeys.add(key);
                    readPartitions.add(partition);
                }
            }
            Map<String, List<MetricRollup>> buckets = new LinkedHashMap<>();
            keys.forEach(key -> buckets.put(key, new ArrayList<>()));
            for (int i = 0; i < readKeys.size(); i += IN_FLIGHT) {
                int end = Math.min(readKeys.size(), i + IN_FLIGHT);
                List<CompletableFuture<List<MetricRollup>>> reads = new ArrayList<>();
                for (int r = i; r < end; r++) {
                    reads.add(readAll(
                                    session.executeAsync(slice.bind(readKeys.get(r), readPartitions.get(r), from, to)),
                                    resolution,
                                    new ArrayList<>())
                            .toCompletableFuture());
                }
                for (int r = i; r < end; r++) {
                    buckets.get(readKeys.get(r)).addAll(await(reads.get(r - i)));
                }
            }
            return buckets;
        });
    }

    /** Every page of a partition's slice (a day of minutes is 1,440 rows, within one page; a page limit must not cut it short). */
    private static CompletionStage<List<MetricRollup>> readAll(
            CompletionStage<AsyncResultSet> page, MetricResolution resolution, List<MetricRollup> into) {
        return page.thenCompose(rows -> {
            for (Row row : rows.currentPage()) {
                into.add(resolution.table().read(row));
            }
            return rows.hasMorePages()
                    ? readAll(rows.fetchNextPage(), resolution, into)
                    : CompletableFuture.completedFuture(into);
        });
    }

    /** The result of an asynchronous read, with the driver's own exception rethrown so {@link CassandraSessions} can map it to 503. */
    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private PreparedStatement statement(CqlSession session, String cql) {
        return prepared.computeIfAbsent(session, s -> new ConcurrentHashMap<>()).computeIfAbsent(cql, session::prepare);
    }
}
