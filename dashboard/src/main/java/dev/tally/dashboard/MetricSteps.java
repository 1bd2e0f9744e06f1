package dev.tally.dashboard;

import com.datadoghq.sketch.ddsketch.DDSketch;
import dev.tally.jobs.metrics.PointsBlock;
import dev.tally.jobs.metrics.functions.MinuteSamples;
import dev.tally.jobs.metrics.functions.RawMinute;
import dev.tally.jobs.metrics.functions.Rollup;
import dev.tally.jobs.metrics.functions.ValueSketches;
import dev.tally.schema.metrics.MetricRollup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * A series' stored buckets merged into steps of a whole number of buckets, each step aligned to a
 * multiple of its length since the epoch (so a refreshed chart keeps its points where they were).
 *
 * <p>Buckets are merged with the job's own {@link Rollup#mergeAll}, the rule that makes its hours from
 * its minutes: count and sum add, min and max of both, first of the earliest and last of the latest,
 * and for counters the increases add plus the pair across each boundary between merged buckets (the
 * earlier bucket's last sample and the later one's first: {@code next.first - prev.last}, or
 * {@code next.first} when it dropped, a reset). That pair is in no stored row, so merging is the only
 * place it is counted. The pair across a step's own start edge belongs to neither step, exactly as a
 * stored hour leaves out the pair before its first minute: a step of an hour over minutes equals the
 * hour's row.
 */
final class MetricSteps {

    /** One step: its start (epoch ms), how many stored buckets (or raw samples) it merged, and their merged rollup. */
    record Step(long start, int buckets, Rollup rollup) {}

    private MetricSteps() {}

    /**
     * The samples of one series' raw minutes (oldest first) with {@code ts} in [from, to), in steps of
     * {@code stepMillis}, each step's rollup computed over its samples by the job's own rule for a
     * minute's ({@link Rollup#of(MinuteSamples)}): the same values a whole-minute step merges from the
     * minute rollups, and percentiles of the step's own samples. A sample is a counter's when its
     * minute is. Steps without a sample are absent; {@code buckets} counts a step's samples.
     */
    static List<Step> ofSamples(List<RawMinute> minutes, long from, long to, long stepMillis) {
        List<Step> steps = new ArrayList<>();
        Samples step = new Samples();
        long start = 0;
        for (RawMinute minute : minutes) {
            PointsBlock.Points points = PointsBlock.decode(minute.points);
            for (int i = 0; i < points.size(); i++) {
                long ts = points.ts()[i];
                if (ts < from || ts >= to) {
                    continue;
                }
                long stepStart = Math.floorDiv(ts, stepMillis) * stepMillis;
                if (step.size > 0 && stepStart != start) {
                    steps.add(step.toStep(start));
                    step = new Samples();
                }
                start = stepStart;
                step.add(ts, points.values()[i], minute.counter);
            }
        }
        if (step.size > 0) {
            steps.add(step.toStep(start));
        }
        return steps;
    }

    /** One raw sample. */
    record Sample(long ts, double value) {}

    /** The latest sample of one series' raw minutes with {@code ts} in [from, to), or null. */
    static Sample latest(List<RawMinute> minutes, long from, long to) {
        Sample latest = null;
        for (RawMinute minute : minutes) {
            PointsBlock.Points points = PointsBlock.decode(minute.points);
            for (int i = 0; i < points.size(); i++) {
                long ts = points.ts()[i];
                if (ts >= from && ts < to && (latest == null || ts > latest.ts())) {
                    latest = new Sample(ts, points.values()[i]);
                }
            }
        }
        return latest;
    }

    /** One step's samples, in timestamp order. */
    private static final class Samples {
        long[] ts = new long[16];
        double[] values = new double[16];
        boolean[] counters = new boolean[16];
        int size;

        void add(long t, double value, boolean counter) {
            if (size == ts.length) {
                ts = Arrays.copyOf(ts, size * 2);
                values = Arrays.copyOf(values, size * 2);
                counters = Arrays.copyOf(counters, size * 2);
            }
            ts[size] = t;
            values[size] = value;
            counters[size] = counter;
            size++;
        }

        Step toStep(long start) {
            MinuteSamples samples = new MinuteSamples();
            samples.ts = Arrays.copyOf(ts, size);
            samples.values = Arrays.copyOf(values, size);
            samples.counters = Arrays.copyOf(counters, size);
            return new Step(start, size, Rollup.of(samples));
        }
    }

    /**
     * The steps of several series as one series': each step start's rollups across the series that have
     * it. Counts, sums, increases and resets add; min and max of all; first and last of the sample
     * earliest and latest in time (the first series given, in key order, on a tie); a counter's when any
     * is; sketches merge (none when any step lacks one). No pair across series is counted: an increase
     * across series is the sum of each one's own.
     */
    static List<Step> acrossSeries(List<List<Step>> series) {
        TreeMap<Long, List<Step>> byStart = new TreeMap<>();
        for (List<Step> steps : series) {
            for (Step step : steps) {
                byStart.computeIfAbsent(step.start(), s -> new ArrayList<>()).add(step);
            }
        }
        List<Step> merged = new ArrayList<>(byStart.size());
        byStart.forEach((start, steps) -> {
            Rollup r = new Rollup();
            r.min = Double.POSITIVE_INFINITY;
            r.max = Double.NEGATIVE_INFINITY;
            r.firstTs = Long.MAX_VALUE;
            r.lastTs = Long.MIN_VALUE;
            int buckets = 0;
            DDSketch sketch = ValueSketches.empty();
            boolean sketched = true;
            for (Step step : steps) {
                Rollup s = step.rollup();
                buckets += step.buckets();
                r.count += s.count;
                r.sum += s.sum;
                r.min = Math.min(r.min, s.min);
                r.max = Math.max(r.max, s.max);
                if (s.firstTs < r.firstTs) {
                    r.firstTs = s.firstTs;
                    r.first = s.first;
                }
                if (s.lastTs > r.lastTs) {
                    r.lastTs = s.lastTs;
                    r.last = s.last;
                }
                r.counter |= s.counter;
                r.increase += s.increase;
                r.resets += s.resets;
                if (s.sketch == null) {
                    sketched = false;
                } else if (sketched) {
                    sketch.mergeWith(ValueSketches.decode(s.sketch));
                }
            }
            r.sketch = sketched ? ValueSketches.encode(sketch) : null;
            merged.add(new Step(start, buckets, r));
        });
        return merged;
    }

    /** {@code buckets} of one series, oldest first, merged into steps of {@code stepMillis}; steps without a bucket are absent. */
    static List<Step> merge(List<MetricRollup> buckets, long stepMillis) {
        List<Step> steps = new ArrayList<>();
        List<Rollup> ofStep = new ArrayList<>();
        long start = 0;
        for (MetricRollup bucket : buckets) {
            long stepStart = Math.floorDiv(bucket.getBucketStart(), stepMillis) * stepMillis;
            if (!ofStep.isEmpty() && stepStart != start) {
                steps.add(new Step(start, ofStep.size(), Rollup.mergeAll(ofStep)));
                ofStep = new ArrayList<>();
            }
            start = stepStart;
            ofStep.add(Rollup.of(bucket));
        }
        if (!ofStep.isEmpty()) {
            steps.add(new Step(start, ofStep.size(), Rollup.mergeAll(ofStep)));
        }
        return steps;
    }
}
