package dev.tally.jobs.metrics.functions;

import java.util.Map;
import java.util.Objects;

/**
 * One row of the series index: a series of a metric ({@code label} null: the row of {@code
 * metric_series}, with all its labels) or one of its labels ({@code metric_series_by_label}), for a UTC
 * day the series has data in. The day decides how long the row lives and which of two writes wins.
 */
public final class SeriesIndexEntry {

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

    public boolean isSeries() {
        return label == null;
    }

    /** The end of the entry's day, epoch milliseconds. */
    public long dayEnd() {
        return day + IndexSeries.DAY_MILLIS;
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
