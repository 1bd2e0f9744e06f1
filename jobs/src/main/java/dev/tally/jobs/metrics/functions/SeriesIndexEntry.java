package dev.tally.jobs.metrics.functions;

import dev.tally.schema.metrics.MetricRollup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One row of the series index: a series of a metric ({@code label} null: the row of {@code
 * metric_series}, with all its labels) or one of its labels ({@code metric_series_by_label}), for a UTC
 * day the series has data in. The day decides how long the row lives and which of two writes wins.
 */
public final class SeriesIndexEntry {

    static final long DAY_MILLIS = 86_400_000L;

    public String name;
    /** The label's key, null for the series' own row. */
    public String label;
    /** The label's value, null for the series' own row. */
    public String value;

    public String seriesKey;
    /** Every label of the series (the series' own row only; null on a label's row). */
    public Map<String, String> labels;
    /** The start of the UTC day, epoch milliseconds. */
    public long day;

    public SeriesIndexEntry() {}

    public SeriesIndexEntry(
            String name, String label, String value, String seriesKey, Map<String, String> labels, long day) {
        this.name = name;
        this.label = label;
        this.value = value;
        this.seriesKey = seriesKey;
        this.labels = labels;
        this.day = day;
    }

    /** The rows of a rollup's series for the UTC day of its bucket: the series' own, then one per label in
     * the labels' order (so the rows come out the same whatever map the labels arrived in). */
    public static List<SeriesIndexEntry> of(MetricRollup rollup) {
        long day = dayOf(rollup.getBucketStart());
        String key = rollup.getSeriesKey();
        String name = rollup.getName();
        Map<String, String> labels = rollup.getLabels();
        List<SeriesIndexEntry> entries = new ArrayList<>(1 + labels.size());
        entries.add(new SeriesIndexEntry(name, null, null, key, labels, day));
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            entries.add(new SeriesIndexEntry(name, label.getKey(), label.getValue(), key, null, day));
        }
        return entries;
    }

    /** The start of the UTC day of {@code millis}. */
    public static long dayOf(long millis) {
        return Math.floorDiv(millis, DAY_MILLIS) * DAY_MILLIS;
    }

    public boolean isSeries() {
        return label == null;
    }

    /** The end of the entry's day, epoch milliseconds. */
    public long dayEnd() {
        return day + DAY_MILLIS;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesIndexEntry e
                && name.equals(e.name)
                && Objects.equals(label, e.label)
                && Objects.equals(value, e.value)
                && seriesKey.equals(e.seriesKey)
                && Objects.equals(labels, e.labels)
                && day == e.day;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, label, value, seriesKey, day);
    }

    @Override
    public String toString() {
        return (label == null ? name : name + "/" + label + "=" + value) + " -> " + seriesKey + " @" + day;
    }
}
