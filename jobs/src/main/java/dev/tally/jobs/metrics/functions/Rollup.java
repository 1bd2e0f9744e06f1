package dev.tally.jobs.metrics.functions;

import com.datadoghq.sketch.ddsketch.DDSketch;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricRollup;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The mergeable summary of a series over a bucket. Counters carry the increase and resets between
 * consecutive samples inside the bucket; {@link #merge} adds the pair across the boundary (the
 * earlier bucket's last sample, the later one's first), so an hour merged from its minutes equals the
 * same rules over the hour's samples, and a reset on a minute's edge is not lost. The values' percentile
 * sketch ({@link ValueSketches}) merges exactly too. A POJO kept in keyed state until the hour's
 * allowed lateness has passed.
 */
public final class Rollup {

    public long count;
    public double sum;
    public double min;
    public double max;
    public double first;
    public long firstTs;
    public double last;
    public long lastTs;
    public boolean counter;
    public double increase;
    public long resets;
    /** The encoded sketch of the values; null in a rollup restored from a version without sketches. */
    public byte[] sketch;

    public Rollup() {}

    /** The rollup of a minute's samples (at least one). */
    public static Rollup of(MinuteSamples samples) {
        Rollup r = new Rollup();
        int n = samples.size();
        r.count = n;
        r.first = samples.values[0];
        r.firstTs = samples.ts[0];
        r.min = r.first;
        r.max = r.first;
        r.sum = 0;
        for (int i = 0; i < n; i++) {
            double v = samples.values[i];
            r.sum += v;
            r.min = Math.min(r.min, v);
            r.max = Math.max(r.max, v);
            r.counter |= samples.counters[i];
            if (i > 0) {
                r.addStep(samples.values[i - 1], v);
            }
        }
        r.last = samples.values[n - 1];
        r.lastTs = samples.ts[n - 1];
        r.sketch = ValueSketches.of(samples.values, n);
        return r;
    }

    /** A stored or published rollup as a mergeable one; a gauge's null increase and resets become 0 (and stay unreported). */
    public static Rollup of(MetricRollup row) {
        Rollup r = new Rollup();
        r.count = row.getCount();
        r.sum = row.getSum();
        r.min = row.getMin();
        r.max = row.getMax();
        r.first = row.getFirst();
        r.firstTs = row.getFirstTs();
        r.last = row.getLast();
        r.lastTs = row.getLastTs();
        r.counter = row.getKind() == MetricKind.COUNTER;
        r.increase = row.getIncrease() == null ? 0 : row.getIncrease();
        r.resets = row.getResets() == null ? 0 : row.getResets();
        if (row.getSketch() != null) {
            r.sketch = new byte[row.getSketch().remaining()];
            row.getSketch().duplicate().get(r.sketch);
        }
        return r;
    }

    /** The rollups of consecutive buckets (at least one, in time order) as one. */
    public static Rollup mergeAll(List<Rollup> inOrder) {
        if (inOrder.size() == 1) {
            return inOrder.get(0);
        }
        Rollup merged = inOrder.get(0);
        for (int i = 1; i < inOrder.size(); i++) {
            merged = merged.mergeScalars(inOrder.get(i));
        }
        // One sketch for all, rather than an encoding per pair.
        DDSketch sketch = ValueSketches.empty();
        for (Rollup r : inOrder) {
            if (r.sketch == null) {
                merged.sketch = null;
                return merged;
            }
            sketch.mergeWith(ValueSketches.decode(r.sketch));
        }
        merged.sketch = ValueSketches.encode(sketch);
        return merged;
    }

    /** This rollup followed by {@code later}, a rollup of a later bucket of the same series. */
    public Rollup merge(Rollup later) {
        return mergeAll(List.of(this, later));
    }

    private Rollup mergeScalars(Rollup later) {
        Rollup r = new Rollup();
        r.count = count + later.count;
        r.sum = sum + later.sum;
        r.min = Math.min(min, later.min);
        r.max = Math.max(max, later.max);
        r.first = first;
        r.firstTs = firstTs;
        r.last = later.last;
        r.lastTs = later.lastTs;
        r.counter = counter || later.counter;
        r.increase = increase + later.increase;
        r.resets = resets + later.resets;
        r.addStep(last, later.first);
        return r;
    }

    private void addStep(double previous, double value) {
        if (value >= previous) {
            increase += value - previous;
        } else {
            increase += value;
            resets++;
        }
    }

    public MetricRollup toAvro(String seriesKey, SeriesKeys.Series series, String resolution, long bucketStart) {
        return MetricRollup.newBuilder()
                .setSeriesKey(seriesKey)
                .setName(series.name())
                .setLabels(series.labels())
                .setKind(counter ? MetricKind.COUNTER : MetricKind.GAUGE)
                .setResolution(resolution)
                .setBucketStart(bucketStart)
                .setCount(count)
                .setSum(sum)
                .setMin(min)
                .setMax(max)
                .setFirst(first)
                .setFirstTs(firstTs)
                .setLast(last)
                .setLastTs(lastTs)
                .setIncrease(counter ? increase : null)
                .setResets(counter ? resets : null)
                .setSketch(sketch == null ? null : ByteBuffer.wrap(sketch))
                .build();
    }
}
