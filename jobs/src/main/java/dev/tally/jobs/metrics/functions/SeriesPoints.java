package dev.tally.jobs.metrics.functions;

import dev.tally.schema.metrics.MetricKind;
import java.util.Arrays;

/**
 * Points of one series and one minute, in the order they arrived: what {@link PreAggregateMinutes}
 * sends over the shuffle, so that {@link RollupSeries} reads and writes a series-minute's state once
 * per batch instead of once per point. A POJO of parallel arrays, compact on the wire.
 */
public final class SeriesPoints {

    private static final MetricKind[] KINDS = MetricKind.values();

    public String key;
    public long minute;
    public long[] ts = new long[0];
    public double[] values = new double[0];
    /** Each point's own kind as an ordinal of {@link MetricKind}, -1 when it had none. */
    public byte[] kinds = new byte[0];

    public boolean[] counters = new boolean[0];
    /**
     * Judged late by {@link LimitSeriesPerName}, whose watermark may be ahead of the rollups': routed
     * to the late topic whatever the rollups' own test says.
     */
    public boolean late;
    /** The points held; the arrays may have room for more until {@link #trimmed}. */
    public int size;

    public SeriesPoints() {}

    /** A batch of the one point {@code point}. */
    public static SeriesPoints of(SeriesPoint point) {
        SeriesPoints batch = new SeriesPoints();
        batch.key = point.key;
        batch.minute = RollupSeries.minuteOf(point.ts);
        batch.add(point);
        return batch;
    }

    public int size() {
        return size;
    }

    /** Appends {@code point}, which must be of this series and minute. */
    public void add(SeriesPoint point) {
        if (size == ts.length) {
            // Doubling: a minute's batch grows point by point on the hot path.
            int capacity = Math.max(4, 2 * size);
            ts = Arrays.copyOf(ts, capacity);
            values = Arrays.copyOf(values, capacity);
            kinds = Arrays.copyOf(kinds, capacity);
            counters = Arrays.copyOf(counters, capacity);
        }
        ts[size] = point.ts;
        values[size] = point.value;
        kinds[size] = point.kind == null ? -1 : (byte) point.kind.ordinal();
        counters[size] = point.counter;
        size++;
    }

    /** This batch with arrays of exactly {@link #size} entries: what goes on the wire and into a checkpoint. */
    public SeriesPoints trimmed() {
        if (size < ts.length) {
            ts = Arrays.copyOf(ts, size);
            values = Arrays.copyOf(values, size);
            kinds = Arrays.copyOf(kinds, size);
            counters = Arrays.copyOf(counters, size);
        }
        return this;
    }

    /** Appends every point of {@code other}, of the same series and minute. */
    public void addAll(SeriesPoints other) {
        for (int i = 0; i < other.size(); i++) {
            add(other.point(i));
        }
    }

    /** The {@code i}-th point. */
    public SeriesPoint point(int i) {
        return new SeriesPoint(key, ts[i], values[i], kind(i), counters[i]);
    }

    /** The {@code i}-th point's own kind: null when it had none. */
    public MetricKind kind(int i) {
        return kinds[i] < 0 ? null : KINDS[kinds[i]];
    }

    /** The latest ts of the batch: its record's timestamp. */
    public long latestTs() {
        long latest = Long.MIN_VALUE;
        for (int i = 0; i < size; i++) {
            latest = Math.max(latest, ts[i]);
        }
        return latest;
    }
}
