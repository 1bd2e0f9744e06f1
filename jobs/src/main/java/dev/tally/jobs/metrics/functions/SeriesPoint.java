package dev.tally.jobs.metrics.functions;

import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricPoint;
import java.util.Objects;

/**
 * An accepted point as the rollups need it: its series key computed once, before the shuffle, and
 * the few bytes of a POJO on the wire instead of an Avro map. It converts back to the exact point it
 * came from, for the late topic and dead letters.
 */
public final class SeriesPoint {

    public String key;
    public long ts;
    public double value;
    /** The point's own kind: null when it had none. */
    public MetricKind kind;
    /** Its resolved kind: a counter's. */
    public boolean counter;

    public SeriesPoint() {}

    public SeriesPoint(String key, long ts, double value, MetricKind kind, boolean counter) {
        this.key = key;
        this.ts = ts;
        this.value = value;
        this.kind = kind;
        this.counter = counter;
    }

    public static SeriesPoint of(MetricPoint point) {
        return new SeriesPoint(
                SeriesKeys.of(point.getName(), point.getLabels()),
                point.getTs(),
                point.getValue(),
                point.getKind(),
                MetricKinds.isCounter(point.getName(), point.getKind()));
    }

    /** The point this came from. */
    public MetricPoint toMetricPoint() {
        SeriesKeys.Series series = SeriesKeys.parse(key);
        return new MetricPoint(series.name(), series.labels(), ts, value, kind);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesPoint p
                && key.equals(p.key)
                && ts == p.ts
                && Double.compare(value, p.value) == 0
                && kind == p.kind
                && counter == p.counter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, ts, value, kind, counter);
    }

    @Override
    public String toString() {
        return key + "@" + ts + "=" + value + (counter ? " (counter)" : "");
    }
}
