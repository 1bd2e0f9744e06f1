package dev.tally.loadgen.metrics;

import dev.tally.loadgen.metrics.reference.SeriesKey;
import dev.tally.schema.metrics.MetricKind;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One generated time series: its name, labels and declared kind (the same on every point of the series:
 * the SPEC's mixed-kind rules are the reference's unit tests' business), its place in the interval, and a
 * value that moves in steps of 1/1024: a gauge wanders inside its range, a counter grows and now and
 * then restarts from a small value. Values are held in units of 1/1024, so every value, sum and
 * difference the job computes from them is exact.
 */
final class Series {

    /** Values are multiples of this: exact in binary, so float sums do not depend on their order. */
    static final double UNIT = 1.0 / 1024;
    /** A counter restarts below this many units: a fresh process has counted a little. */
    private static final long RESTART_UNITS = 16 * 1024;

    final String name;
    final Map<String, String> labels;
    final MetricKind declaredKind;
    final boolean counter;
    /** The host's index, or -1 for a series of no host. */
    final int host;
    /** Where in each interval its samples fall, milliseconds. */
    final long offset;

    final String key;
    final byte[] keyBytes;
    private final long low;
    private final long high;
    /** A gauge's largest step, a counter's largest increment, in units. */
    private final long step;

    private long units;

    private Series(
            String name,
            Map<String, String> labels,
            MetricKind declaredKind,
            boolean counter,
            int host,
            long offset,
            long low,
            long high,
            long step,
            long initial) {
        this.name = name;
        this.labels = new TreeMap<>(labels);
        this.declaredKind = declaredKind;
        this.counter = counter;
        this.host = host;
        this.offset = offset;
        this.key = SeriesKey.of(name, labels);
        this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
        this.low = low;
        this.high = high;
        this.step = step;
        this.units = initial;
    }

    /** A gauge between {@code low} and {@code high} (whole numbers) that moves at most {@code step} a sample. */
    static Series gauge(
            String name,
            Map<String, String> labels,
            MetricKind declaredKind,
            int host,
            long offset,
            double low,
            double high,
            double step,
            SplittableRandom random) {
        long lo = units(low);
        long hi = units(high);
        return new Series(
                name,
                labels,
                declaredKind,
                false,
                host,
                offset,
                lo,
                hi,
                units(step),
                lo + random.nextLong(hi - lo + 1));
    }

    /** A counter that grows at most {@code increment} a sample, from somewhere below {@code start}. */
    static Series counter(
            String name,
            Map<String, String> labels,
            MetricKind declaredKind,
            int host,
            long offset,
            double start,
            double increment,
            SplittableRandom random) {
        return new Series(
                name,
                labels,
                declaredKind,
                true,
                host,
                offset,
                0,
                0,
                units(increment),
                random.nextLong(units(start) + 1));
    }

    /** A series of no host whose values its owner computes ({@link AlertEpisodes}): {@link #next} is not for it. */
    static Series scripted(
            String name, Map<String, String> labels, MetricKind declaredKind, boolean counter, long offset) {
        return new Series(name, labels, declaredKind, counter, -1, offset, 0, 0, 0, 0);
    }

    /** The value of the latest sample (or the starting value before the first). */
    double current() {
        return units * UNIT;
    }

    /** The next sample's value; a counter restarts with probability {@code resetChance}. */
    double next(double resetChance, SplittableRandom random) {
        if (counter) {
            if (random.nextDouble() < resetChance) {
                units = random.nextLong(RESTART_UNITS);
            } else {
                units += random.nextLong(step + 1);
            }
        } else {
            units = Math.max(low, Math.min(high, units + random.nextLong(2 * step + 1) - step));
        }
        return units * UNIT;
    }

    /** Another value of the current sample, 1 to 4096 units off: below or above it (a counter never below 0). */
    double conflicting(boolean below, SplittableRandom random) {
        long delta = 1 + random.nextLong(4096);
        long other = below && (!counter || units - delta >= 0) ? units - delta : units + delta;
        return other * UNIT;
    }

    private static long units(double value) {
        return Math.round(value * 1024);
    }
}
