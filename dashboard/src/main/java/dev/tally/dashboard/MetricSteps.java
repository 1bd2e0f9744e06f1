package dev.tally.dashboard;

import dev.tally.jobs.metrics.functions.Rollup;
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
            ofStep.add(Rollup.of(bucket));
        }
        if (!ofStep.isEmpty()) {
            steps.add(new Step(start, ofStep.size(), Rollup.mergeAll(ofStep)));
        }
        return steps;
    }
}
