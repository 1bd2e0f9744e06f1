package dev.tally.dashboard;

import dev.tally.jobs.metrics.functions.Rollup;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricRollup;
import java.util.ArrayList;
import java.util.List;

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

    /** One step: its start (epoch ms), how many stored buckets it merged, and their merged rollup. */
    record Step(long start, int buckets, Rollup rollup) {}

    private MetricSteps() {}

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
            ofStep.add(rollupOf(bucket));
        }
        if (!ofStep.isEmpty()) {
            steps.add(new Step(start, ofStep.size(), Rollup.mergeAll(ofStep)));
        }
        return steps;
    }

    /** A stored row as the job's mergeable rollup; a gauge's null increase and resets become 0 (and stay unreported). */
    static Rollup rollupOf(MetricRollup row) {
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
}
