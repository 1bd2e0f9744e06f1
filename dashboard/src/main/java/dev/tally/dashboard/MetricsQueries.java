package dev.tally.dashboard;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.jobs.metrics.MetricsTables;
import dev.tally.jobs.metrics.functions.RawMinute;
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
import java.util.function.Function;

/**
 * The metrics queries: the series a matcher means, from the job's series index ({@code metric_series}:
 * a metric's series, one partition per name; {@code metric_series_by_label}: one partition per name,
 * label and value), and a series' rows in a range (raw minutes or rollups), read one partition (a UTC
 * day of raw minutes or minutes, or a UTC month of hours) per statement.
 */
final class MetricsQueries {

    /** Partition reads in flight at once: enough to hide round trips, few enough not to crowd the driver's connection. */
    private static final int IN_FLIGHT = 16;
    /** Rows per page of an index read, so each page returns well within the driver's 2-second request timeout. */
    private static final int INDEX_PAGE = 5_000;

    static final String SERIES_TABLE = "metric_series";
    static final String LABEL_TABLE = "metric_series_by_label";
    static final String NAMES_CQL = "SELECT DISTINCT name FROM " + SERIES_TABLE + " LIMIT ?";
    static final String SERIES_CQL = "SELECT series_key FROM " + SERIES_TABLE + " WHERE name = ? LIMIT ?";
    static final String LABEL_CQL =
            "SELECT series_key FROM " + LABEL_TABLE + " WHERE name = ? AND label = ? AND value = ? LIMIT ?";

    /**
     * The series keys of the index that a matcher keeps, the table they came from, the rows read, and
     * whether every series the matcher means was among them ({@code false} when a read stopped at its limit).
     */
    record SeriesLookup(String table, SortedSet<String> keys, int rowsRead, boolean complete) {}

    private final CassandraSessions cassandra;
    private final Map<CqlSession, Map<String, PreparedStatement>> prepared = new ConcurrentHashMap<>();

    MetricsQueries(CassandraSessions cassandra) {
        this.cassandra = cassandra;
    }

    static String sliceCql(MetricResolution resolution) {
        String time = resolution.timeColumn();
        return resolution.table().selectCql() + " WHERE series_key = ? AND " + resolution.partitionColumn()
                + " = ? AND " + time + " >= ? AND " + time + " < ? ORDER BY " + time + " ASC";
    }

    /**
     * The series {@code matcher} means, reading at most {@code limit} rows of any one partition. With
     * labels to match, each label value's partition is read (at once) and the smallest one read whole
     * is filtered by the whole matcher: a key there that matches every label is a series the matcher
     * means, and every such series is there. Without labels, the name's partition of {@code
     * metric_series}; without a name either (the list of series), every name's.
     */
    SeriesLookup lookup(SeriesMatcher matcher, int limit) {
        return cassandra.query(session -> {
            if (matcher.name() == null) {
                return everySeries(session, matcher, limit);
            }
            if (matcher.labels().isEmpty()) {
                Keys keys = await(keys(session, statement(session, SERIES_CQL).bind(matcher.name(), limit), limit));
                return new SeriesLookup(SERIES_TABLE, keys.keys(), keys.rows(), keys.complete());
            }
            List<CompletableFuture<Keys>> reads = new ArrayList<>();
            for (Map.Entry<String, String> label : matcher.labels().entrySet()) {
                reads.add(keys(
                        session,
                        statement(session, LABEL_CQL).bind(matcher.name(), label.getKey(), label.getValue(), limit),
                        limit));
            }
            Keys chosen = null;
            int rows = 0;
            for (CompletableFuture<Keys> read : reads) {
                Keys keys = await(read);
                rows += keys.rows();
                if (chosen == null
                        || (keys.complete() && !chosen.complete())
                        || (keys.complete() == chosen.complete() && keys.rows() < chosen.rows())) {
                    chosen = keys;
                }
            }
            SortedSet<String> kept = new TreeSet<>();
            for (String key : chosen.keys()) {
                if (matcher.matches(key)) {
                    kept.add(key);
                }
            }
            return new SeriesLookup(LABEL_TABLE, kept, rows, chosen.complete());
        });
    }

    private SeriesLookup everySeries(CqlSession session, SeriesMatcher matcher, int limit) {
        SortedSet<String> kept = new TreeSet<>();
        int rows = 0;
        boolean complete = true;
        List<String> names = new ArrayList<>();
        for (Row row : session.execute(statement(session, NAMES_CQL).bind(limit).setPageSize(INDEX_PAGE))) {
            names.add(row.getString("name"));
        }
        complete &= names.size() < limit;
        for (String name : names) {
            Keys keys = await(keys(session, statement(session, SERIES_CQL).bind(name, limit), limit));
            rows += keys.rows();
            complete &= keys.complete();
            for (String key : keys.keys()) {
                if (matcher.matches(key)) {
                    kept.add(key);
                }
            }
        }
        return new SeriesLookup(SERIES_TABLE, kept, rows, complete);
    }

    /** The series keys of one index partition, and whether it was read whole (fewer rows than the limit). */
    private record Keys(SortedSet<String> keys, int rows, int limit) {
        boolean complete() {
            return rows < limit;
        }
    }

    private static CompletableFuture<Keys> keys(CqlSession session, BoundStatement read, int limit) {
        // A partition's keys are distinct clustering keys: as many as its rows read.
        return readAllKeys(session.executeAsync(read.setPageSize(INDEX_PAGE)), new TreeSet<>())
                .thenApply(keys -> new Keys(keys, keys.size(), limit))
                .toCompletableFuture();
    }

    private static CompletionStage<SortedSet<String>> readAllKeys(
            CompletionStage<AsyncResultSet> page, SortedSet<String> into) {
        return page.thenCompose(rows -> {
            for (Row row : rows.currentPage()) {
                into.add(row.getString("series_key"));
            }
            return rows.hasMorePages()
                    ? readAllKeys(rows.fetchNextPage(), into)
                    : CompletableFuture.completedFuture(into);
        });
    }

    /**
     * The rollups of each series ({@link MetricResolution#MINUTE} or {@link MetricResolution#HOUR}) that
     * start in [from, to), oldest first, by key in the given order (an empty list for a series without any).
     */
    Map<String, List<MetricRollup>> buckets(
            MetricResolution resolution, Collection<String> keys, Instant from, Instant to) {
        return rows(resolution, keys, from, to, row ->
                (MetricRollup) resolution.table().read(row));
    }

    /**
     * The raw minutes of each series that hold a sample in [from, to) (every minute that starts in it,
     * and the one {@code from} falls in), oldest first, by key in the given order; a minute's samples
     * outside the range are the caller's to drop.
     */
    Map<String, List<RawMinute>> rawMinutes(Collection<String> keys, Instant from, Instant to) {
        Instant minute = Instant.ofEpochMilli(Math.floorDiv(from.toEpochMilli(), 60_000L) * 60_000L);
        return rows(MetricResolution.RAW, keys, minute, to, MetricsTables.RAW_MINUTES::read);
    }

    private <T> Map<String, List<T>> rows(
            MetricResolution resolution, Collection<String> keys, Instant from, Instant to, Function<Row, T> read) {
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
            Map<String, List<T>> buckets = new LinkedHashMap<>();
            keys.forEach(key -> buckets.put(key, new ArrayList<>()));
            for (int i = 0; i < readKeys.size(); i += IN_FLIGHT) {
                int end = Math.min(readKeys.size(), i + IN_FLIGHT);
                List<CompletableFuture<List<T>>> reads = new ArrayList<>();
                for (int r = i; r < end; r++) {
                    reads.add(readAll(
                                    session.executeAsync(slice.bind(readKeys.get(r), readPartitions.get(r), from, to)),
                                    read,
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
    private static <T> CompletionStage<List<T>> readAll(
            CompletionStage<AsyncResultSet> page, Function<Row, T> read, List<T> into) {
        return page.thenCompose(rows -> {
            for (Row row : rows.currentPage()) {
                into.add(read.apply(row));
            }
            return rows.hasMorePages()
                    ? readAll(rows.fetchNextPage(), read, into)
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
