package dev.tally.dashboard;

import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.jobs.metrics.MetricsTables;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored resolutions and their tables: the raw samples (one row per series-minute, steps of whole
 * seconds), minute rollups and hour rollups. Each table's partitions are one series over one UTC day
 * (raw, minutes) or one UTC month (hours); a query reads them one at a time so no read is unbounded.
 */
enum MetricResolution {
    RAW(MetricsTables.RAW, MetricsTables.RAW_MINUTES, Duration.ofSeconds(1), Duration.ofDays(7)),
    MINUTE(MetricsTables.MINUTE, MetricsTables.MINUTE_ROLLUPS, Duration.ofMinutes(1), Duration.ofDays(31)),
    HOUR(MetricsTables.HOUR, MetricsTables.HOUR_ROLLUPS, Duration.ofHours(1), Duration.ofDays(366));

    private final String label;
    private final ResultTable<?> table;
    private final Duration bucket;
    private final Duration maxRange;

    MetricResolution(String label, ResultTable<?> table, Duration bucket, Duration maxRange) {
        this.label = label;
        this.table = table;
        this.bucket = bucket;
        this.maxRange = maxRange;
    }

    /** {@code raw}, {@code 1m} or {@code 1h}, as the API names it. */
    String label() {
        return label;
    }

    ResultTable<?> table() {
        return table;
    }

    /** The partition key's time column ({@code day} or {@code month}), taken from the table's definition. */
    String partitionColumn() {
        return table.keyColumns().get(1);
    }

    /** The clustering column, a row's start ({@code minute} or {@code bucket_start}). */
    String timeColumn() {
        return table.keyColumns().get(2);
    }

    /** The unit of {@link #bucket} in a step such as {@code 30s}, {@code 5m} or {@code 2h}. */
    String stepUnit() {
        return switch (this) {
            case RAW -> "s";
            case MINUTE -> "m";
            case HOUR -> "h";
        };
    }

    Duration bucket() {
        return bucket;
    }

    /**
     * The longest range one request may read: a bit over the job's default retention (a week of raw
     * samples, 30 days of minutes, a year of hours), so a request reads at most 32 day partitions or 13
     * month partitions per series.
     */
    Duration maxRange() {
        return maxRange;
    }

    /** The values of the partition's time column of every partition holding buckets that start in [from, to), oldest first. */
    List<Object> partitions(Instant from, Instant to) {
        Instant last = to.minusMillis(1);
        List<Object> partitions = new ArrayList<>();
        if (this != HOUR) {
            for (LocalDate d = LocalDate.ofInstant(from, ZoneOffset.UTC);
                    !d.isAfter(LocalDate.ofInstant(last, ZoneOffset.UTC));
                    d = d.plusDays(1)) {
                partitions.add(d);
            }
        } else {
            YearMonth end = YearMonth.from(last.atZone(ZoneOffset.UTC));
            for (YearMonth m = YearMonth.from(from.atZone(ZoneOffset.UTC)); !m.isAfter(end); m = m.plusMonths(1)) {
                partitions.add(m.toString()); // yyyy-MM, as MetricsTables writes the month
            }
        }
        return partitions;
    }

    /** The resolution a label names, or null. */
    static MetricResolution of(String label) {
        for (MetricResolution r : values()) {
            if (r.label.equals(label)) {
                return r;
            }
        }
        return null;
    }
}
