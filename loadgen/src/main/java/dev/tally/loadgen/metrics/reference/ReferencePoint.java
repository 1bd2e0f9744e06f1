package dev.tally.loadgen.metrics.reference;

import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricPoint;
import java.util.Map;
import java.util.TreeMap;

/**
 * One accepted metric point as the reference sees it: what the SPEC's rules read of a {@code MetricPoint}.
 *
 * @param kind the point's own {@code kind}, null when it had none
 */
public record ReferencePoint(String name, Map<String, String> labels, MetricKind kind, long ts, double value) {

    public ReferencePoint {
        labels = Map.copyOf(labels);
    }

    public static ReferencePoint of(MetricPoint point) {
        return new ReferencePoint(point.getName(), point.getLabels(), point.getKind(), point.getTs(), point.getValue());
    }

    public String seriesKey() {
        return SeriesKey.of(name, labels);
    }

    /** The SPEC's kind of a point: its {@code kind}, else COUNTER for a name ending in _total or _count, else GAUGE. */
    public MetricKind effectiveKind() {
        if (kind != null) {
            return kind;
        }
        return name.endsWith("_total") || name.endsWith("_count") ? MetricKind.COUNTER : MetricKind.GAUGE;
    }

    public PointId id() {
        return new PointId(seriesKey(), ts, value);
    }

    /** The point as the Avro record the generator sends, labels in key order. */
    public MetricPoint toAvro() {
        return MetricPoint.newBuilder()
                .setName(name)
                .setLabels(new TreeMap<>(labels))
                .setTs(ts)
                .setValue(value)
                .setKind(kind)
                .build();
    }
}
