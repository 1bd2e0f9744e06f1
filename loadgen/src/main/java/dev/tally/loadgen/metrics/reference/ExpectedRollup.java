package dev.tally.loadgen.metrics.reference;

import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricRollup;

/**
 * A bucket's rollup as plain values that compare by equality (doubles bit for bit: every value the
 * generator sends is a multiple of 1/1024 of modest size, so every sum is exact in any order).
 *
 * @param increase null for a gauge bucket
 * @param resets null for a gauge bucket
 */
public record ExpectedRollup(
        MetricKind kind,
        long count,
        double sum,
        double min,
        double max,
        double first,
        long firstTs,
        double last,
        long lastTs,
        Double increase,
        Long resets) {

    /** The values of a rollup the job wrote (its series, resolution and bucket are the key, not the value). */
    public static ExpectedRollup of(MetricRollup r) {
        return new ExpectedRollup(
                r.getKind(),
                r.getCount(),
                r.getSum(),
                r.getMin(),
                r.getMax(),
                r.getFirst(),
                r.getFirstTs(),
                r.getLast(),
                r.getLastTs(),
                r.getIncrease(),
                r.getResets());
    }
}
