package dev.tally.jobs.metrics;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.connectors.cassandra.CassandraUpsert;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.jobs.metrics.alerts.AlertEvents;
import dev.tally.jobs.metrics.functions.RawMinute;
import dev.tally.jobs.metrics.functions.SeriesIndexEntry;
import dev.tally.jobs.metrics.functions.SeriesKeys;
import dev.tally.schema.metrics.AlertEvent;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricRollup;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;

/**
 * The metrics job's Cassandra tables (created by {@code cql/20-metrics.cql}), each defined once: the
 * sinks, the verifier and the dashboard all use these. No Flink class is touched here.
 *
 * <p>A row keeps the series key, not the name and labels apart: {@link #read} returns them empty, and
 * a reader that needs them parses the key or takes them from the series table.
 */
public final class MetricsTables {

    public static final String MINUTE = "1m";
    public static final String HOUR = "1h";
    /** The raw samples' resolution, as {@link RetentionPolicy} names it. */
    public static final String RAW = "raw";

    private static final List<String> VALUES = List.of(
            "count",
            "sum",
            "min",
            "max",
            "first",
            "first_ts",
            "last",
            "last_ts",
            "increase",
            "resets",
            "kind",
            "sketch");
    private static final DateTimeFormatter MONTH =
            DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

    /** Minute rollups, one partition per (series, UTC day). */
    public static final ResultTable<MetricRollup> MINUTE_ROLLUPS =
            rollups("metric_rollups_1m", "day", MINUTE, RetentionPolicy.DEFAULTS);

    /** Hour rollups, one partition per (series, UTC month). */
    public static final ResultTable<MetricRollup> HOUR_ROLLUPS =
            rollups("metric_rollups_1h", "month", HOUR, RetentionPolicy.DEFAULTS);

    /**
     * Each alert's latest state, one row per alert (rule and labels), partitioned by the alert's name:
     * written {@code USING TIMESTAMP} of the change, so an older change never overwrites a newer one.
     */
    public static final ResultTable<AlertEvent> ALERT_STATE = ResultTable.of(
                    "alert_state",
                    1,
                    List.of("alert", "labels_key"),
                    List.of("labels", "state", "severity", "value", "threshold", "active_since", "updated_at"),
                    e -> new Object[] {
                        e.getAlert(),
                        AlertEvents.labelsKey(e.getLabels()),
                        e.getLabels(),
                        e.getState(),
                        e.getSeverity(),
                        e.getValue(),
                        e.getThreshold(),
                        Instant.ofEpochMilli(e.getActiveSince()),
                        Instant.ofEpochMilli(e.getTs())
                    },
                    row -> alert(row, row.getInstant("updated_at").toEpochMilli(), null))
            .withWriteTimestamp(e -> e.getTs() * 1000);

    /**
     * Every change of every alert, newest first per alert. No range, so reconcile and promote leave it
     * alone: it records the decisions made as minutes closed (and notified), which a replay on the final
     * rollups must not rewrite.
     */
    public static final ResultTable<AlertEvent> ALERT_HISTORY = ResultTable.of(
            "alert_history",
            2,
            List.of("alert", "labels_key", "ts", "state"),
            List.of("id", "labels", "severity", "value", "threshold", "active_since"),
            e -> new Object[] {
                e.getAlert(),
                AlertEvents.labelsKey(e.getLabels()),
                Instant.ofEpochMilli(e.getTs()),
                e.getState(),
                e.getId(),
                e.getLabels(),
                e.getSeverity(),
                e.getValue(),
                e.getThreshold(),
                Instant.ofEpochMilli(e.getActiveSince())
            },
            row -> alert(row, row.getInstant("ts").toEpochMilli(), row.getString("id")));

    /** Each series-minute's raw samples in one {@link PointsBlock}, one partition per (series, UTC day). */
    public static final ResultTable<RawMinute> RAW_MINUTES = rawMinutes(RetentionPolicy.DEFAULTS);

    /** The series of each metric, one partition per name ({@code metric_series}), with their labels. */
    public static final ResultTable<SeriesIndexEntry> SERIES = series(RetentionPolicy.DEFAULTS);

    /** The series of each label value of a metric, one partition per (name, label, value). */
    public static final ResultTable<SeriesIndexEntry> SERIES_BY_LABEL = seriesByLabel(RetentionPolicy.DEFAULTS);

    /**
     * An index table has no range: reconcile and promote leave it alone (a series only a promoted replay
     * has is not indexed in the live keyspace).
     */
    public static final List<ResultTable<?>> ALL =
            List.of(MINUTE_ROLLUPS, HOUR_ROLLUPS, RAW_MINUTES, ALERT_STATE, ALERT_HISTORY, SERIES, SERIES_BY_LABEL);

    private MetricsTables() {}

    /** The table of a resolution's rollups, each row living as long after its bucket as its metric's retention. */
    public static ResultTable<MetricRollup> rollups(String resolution, RetentionPolicy retention) {
        return resolution.equals(MINUTE)
                ? rollups("metric_rollups_1m", "day", MINUTE, retention)
                : rollups("metric_rollups_1h", "month", HOUR, retention);
    }

    /**
     * {@link #RAW_MINUTES} with {@code retention}: each row lives as long after its minute as its metric's
     * raw retention. Written at the server's time, as the rollups are: a minute a late point changed is
     * written again, later, with all its samples.
     */
    public static ResultTable<RawMinute> rawMinutes(RetentionPolicy retention) {
        return ResultTable.of(
                        "metric_raw_minutes",
                        2,
                        List.of("series_key", "day", "minute"),
                        List.of("kind", "count", "points"),
                        r -> new Object[] {
                            r.seriesKey,
                            LocalDate.ofInstant(Instant.ofEpochMilli(r.minute), ZoneOffset.UTC),
                            Instant.ofEpochMilli(r.minute),
                            (r.counter ? MetricKind.COUNTER : MetricKind.GAUGE).name(),
                            r.count,
                            ByteBuffer.wrap(r.points)
                        },
                        row -> {
                            ByteBuffer points = row.getByteBuffer("points");
                            byte[] bytes = new byte[points.remaining()];
                            points.get(bytes);
                            String key = row.getString("series_key");
                            return new RawMinute(
                                    key,
                                    // For its retention, when a promote writes it again.
                                    SeriesKeys.nameOf(key),
                                    row.getInstant("minute").toEpochMilli(),
                                    MetricKind.valueOf(row.getString("kind")) == MetricKind.COUNTER,
                                    row.getInt("count"),
                                    bytes);
                        })
                .withTimeToLive((r, now) ->
                        CassandraUpsert.TimeToLive.retainedAfter(r.end(), retention.millis(RAW, r.name), now))
                // Whole minutes of the range, as the rollups'.
                .withRange((r, from, to) -> r.minute >= from && r.end() <= to);
    }

    /**
     * {@link #SERIES} with {@code retention}: each row lives as long as its day's longest-kept rollup, and
     * is written at its day's end (microseconds) so that the write for a later day, which lives longer,
     * wins over an earlier day's written after it.
     */
    public static ResultTable<SeriesIndexEntry> series(RetentionPolicy retention) {
        return indexed(
                ResultTable.of(
                        "metric_series",
                        1,
                        List.of("name", "series_key"),
                        List.of("labels"),
                        e -> new Object[] {e.name, e.seriesKey, e.labels},
                        row -> new SeriesIndexEntry(
                                row.getString("name"),
                                null,
                                null,
                                row.getString("series_key"),
                                new HashMap<>(row.getMap("labels", String.class, String.class)),
                                0)),
                retention);
    }

    /** {@link #SERIES_BY_LABEL} with {@code retention}, its rows kept and written as {@link #series}'s. */
    public static ResultTable<SeriesIndexEntry> seriesByLabel(RetentionPolicy retention) {
        return indexed(
                ResultTable.of(
                        "metric_series_by_label",
                        3,
                        List.of("name", "label", "value", "series_key"),
                        List.of(),
                        e -> new Object[] {e.name, e.label, e.value, e.seriesKey},
                        row -> new SeriesIndexEntry(
                                row.getString("name"),
                                row.getString("label"),
                                row.getString("value"),
                                row.getString("series_key"),
                                null,
                                0)),
                retention);
    }

    private static ResultTable<SeriesIndexEntry> indexed(
            ResultTable<SeriesIndexEntry> table, RetentionPolicy retention) {
        return table.withWriteTimestamp(e -> e.dayEnd() * 1000)
                .withTimeToLive((e, now) -> CassandraUpsert.TimeToLive.retainedAfter(
                        e.dayEnd(),
                        Math.max(
                                retention.millis(RAW, e.name),
                                Math.max(retention.millis(MINUTE, e.name), retention.millis(HOUR, e.name))),
                        now));
    }

    /** The end of a rollup's bucket, epoch milliseconds. */
    public static long bucketEnd(MetricRollup rollup) {
        return rollup.getBucketStart() + (rollup.getResolution().equals(MINUTE) ? 60_000L : 3_600_000L);
    }

    private static ResultTable<MetricRollup> rollups(
            String table, String period, String resolution, RetentionPolicy retention) {
        boolean minutes = resolution.equals(MINUTE);
        return ResultTable.of(
                        table,
                        2,
                        List.of("series_key", period, "bucket_start"),
                        VALUES,
                        r -> new Object[] {
                            r.getSeriesKey(),
                            minutes
                                    ? LocalDate.ofInstant(Instant.ofEpochMilli(r.getBucketStart()), ZoneOffset.UTC)
                                    : MONTH.format(Instant.ofEpochMilli(r.getBucketStart())),
                            Instant.ofEpochMilli(r.getBucketStart()),
                            r.getCount(),
                            r.getSum(),
                            r.getMin(),
                            r.getMax(),
                            r.getFirst(),
                            Instant.ofEpochMilli(r.getFirstTs()),
                            r.getLast(),
                            Instant.ofEpochMilli(r.getLastTs()),
                            r.getIncrease(),
                            r.getResets(),
                            r.getKind().name(),
                            r.getSketch()
                        },
                        row -> read(row, resolution))
                .withTimeToLive((r, now) -> CassandraUpsert.TimeToLive.retainedAfter(
                        bucketEnd(r), retention.millis(resolution, r.getName()), now))
                // A gauge's null increase and resets would be two tombstones per row; read() ignores them for
                // gauges. A sketch is null only in a rollup of a version without them.
                .withNullsUnset()
                // Whole buckets of the range: a replay reads the samples of [from, to) and no others.
                .withRange((r, from, to) -> r.getBucketStart() >= from && bucketEnd(r) <= to)
                .withMeasure(MetricRollup::getCount)
                .withCorrections("rollups-topic", MetricRollup.class, MetricRollup::getSeriesKey);
    }

    private static MetricRollup read(Row row, String resolution) {
        // A bucket whose samples became a gauge's after a counter's may keep the counter's unset-over values.
        boolean counter = MetricKind.valueOf(row.getString("kind")) == MetricKind.COUNTER;
        // Name and labels from the key: a promote writes the row with its metric's retention and publishes
        // it as a correction, which a consumer reads as the job's own rollups.
        SeriesKeys.Series series = SeriesKeys.parse(row.getString("series_key"));
        return MetricRollup.newBuilder()
                .setSeriesKey(row.getString("series_key"))
                .setName(series.name())
                .setLabels(series.labels())
                .setKind(MetricKind.valueOf(row.getString("kind")))
                .setResolution(resolution)
                .setBucketStart(row.getInstant("bucket_start").toEpochMilli())
                .setCount(row.getLong("count"))
                .setSum(row.getDouble("sum"))
                .setMin(row.getDouble("min"))
                .setMax(row.getDouble("max"))
                .setFirst(row.getDouble("first"))
                .setFirstTs(row.getInstant("first_ts").toEpochMilli())
                .setLast(row.getDouble("last"))
                .setLastTs(row.getInstant("last_ts").toEpochMilli())
                .setIncrease(counter && !row.isNull("increase") ? row.getDouble("increase") : null)
                .setResets(counter && !row.isNull("resets") ? row.getLong("resets") : null)
                .setSketch(row.getByteBuffer("sketch"))
                .build();
    }

    private static AlertEvent alert(Row row, long ts, String id) {
        return AlertEvent.newBuilder()
                .setAlert(row.getString("alert"))
                .setLabels(new HashMap<>(row.getMap("labels", String.class, String.class)))
                .setState(row.getString("state"))
                .setSeverity(row.getString("severity"))
                .setValue(row.getDouble("value"))
                .setThreshold(row.getDouble("threshold"))
                .setActiveSince(row.getInstant("active_since").toEpochMilli())
                .setTs(ts)
                .setId(id)
                .build();
    }
}
