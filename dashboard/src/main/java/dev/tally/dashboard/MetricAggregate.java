package dev.tally.dashboard;

import dev.tally.jobs.metrics.functions.Rollup;
import dev.tally.jobs.metrics.functions.ValueSketches;
import java.util.Arrays;
import java.util.Locale;

/**
 * What one point of a series shows, computed from the step's merged rollup. {@code avg} is the step's
 * sum over its count, never an average of the buckets' averages; {@code increase} is null for a step
 * without counter samples (the job stores none for gauges). The percentiles come from the step's merged
 * DDSketch, within 1% of the exact value over every sample of the step; null for buckets written
 * before the job kept sketches.
 */
enum MetricAggregate {
    AVG,
    SUM,
    MIN,
    MAX,
    COUNT,
    LAST,
    INCREASE,
    P50,
    P90,
    P99;

    /** The value of this aggregate over a merged rollup: a Long for {@code count}, else a Double or null. */
    Number of(Rollup r) {
        return switch (this) {
            case AVG -> r.sum / r.count;
            case SUM -> r.sum;
            case MIN -> r.min;
            case MAX -> r.max;
            case COUNT -> r.count;
            case LAST -> r.last;
            case INCREASE -> r.counter ? r.increase : null;
            case P50 -> quantile(r, 0.5);
            case P90 -> quantile(r, 0.9);
            case P99 -> quantile(r, 0.99);
        };
    }

    private static Double quantile(Rollup r, double q) {
        return r.sketch == null ? null : ValueSketches.decode(r.sketch).getValueAtQuantile(q);
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The aggregate a parameter names; {@link BadParameter} for any other value. */
    static MetricAggregate parse(String parameter, String value) {
        for (MetricAggregate a : values()) {
            if (a.label().equals(value)) {
                return a;
            }
        }
        throw new BadParameter(
                parameter,
                "must be one of "
                        + String.join(
                                ", ",
                                Arrays.stream(values())
                                        .map(MetricAggregate::label)
                                        .toList()));
    }
}
