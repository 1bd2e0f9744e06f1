package dev.tally.dashboard;

import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.jobs.metrics.MetricsTables;
import dev.tally.schema.metrics.MetricRollup;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored rollup resolutions and their tables. Raw points are not stored yet, so there is no finer
 * tier than a minute. Each table's partitions are one series over one UTC day (minutes) or one UTC
 * month (hours); a query reads them one at a time so no read is unbounded.
 */
enum MetricResolution {
    MINUTE(MetricsTables.MINUTE, MetricsTables.MINUTE_ROLLUPS, Duration.ofMinutes(1), Duration.ofDays(31)),
    HOUR(MetricsTables.HOUR, MetricsTables.HOUR_ROLLUPS, Duration.ofHours(1), Duration.ofDays(366));

    private final String label;
    private final ResultTable<MetricRollup> table;
    private final Duration bucket;
    private final Duration maxRange;

    MetricResolution(String label, ResultTable<MetricRollup> table, Duration bucket, Duration maxRange) {
        this.label = label;
        this.table = table;
        this.bucket = bucket;
        this.maxRange = maxRange;
    }

    /** {@code 1m} or {@code 1h}, as the API and the job's rollups name it. */
    String label() {
        return label;
    }

    ResultTable<MetricRollup> table() {
        return table;
    }

    /** The partition key's time column ({@code day} or {@code month}), taken from the table's definition. */
    String partitionColumn() {
        return table.keyColumns().get(1);
    }

    Duration bucket() {
        return bucket;
    }

    /**
     * The longest range one request may read: a bit over the job's default retention (30 days of
     * minutes, a year of hours), so a request reads at most 32 day partitions or 13 month partitions
     * per series.
     */
    Duration maxRange() {
        return maxRange;
    }

    /** The values of the partition's time column of every partition holding buckets that start in [from, to), oldest first. */
    List<Object> partitions(Instant from, Instant to) {
        Instant last = to.minusMillis(1);
        List<Object> partitions = new ArrayList<>();
        if (this == MINUTE) {
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
