package dev.tally.loadgen;

import java.time.Duration;

/**
 * What the click generator produces: how many records, over how many ads, how dense in event time,
 * and how often each kind of fault is injected.
 */
public record GeneratorSettings(
        long seed,
        long records,
        int ads,
        double zipfExponent,
        int users,
        long eventsPerSecond,
        long startMillis,
        Duration maxDisorder,
        double duplicateRate,
        double lateRate,
        Duration lateBy,
        double malformedRate) {

    public GeneratorSettings {
        if (maxDisorder.isNegative() || lateBy.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (duplicateRate + lateRate + malformedRate >= 1) {
            throw new IllegalArgumentException("fault rates must add up to less than 1");
        }
    }

    /** Small, fault-rich defaults for tests: one click per ms of event time. */
    public static GeneratorSettings forTest(long seed, long records, long startMillis) {
        return new GeneratorSettings(
                seed,
                records,
                5_000,
                1.1,
                10_000,
                1_000,
                startMillis,
                Duration.ofSeconds(5),
                0.02,
                0.002,
                Duration.ofMinutes(5),
                0.002);
    }
}
