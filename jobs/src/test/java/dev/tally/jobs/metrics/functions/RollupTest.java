package dev.tally.jobs.metrics.functions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rollup rules: sums, extremes, first and last, and a counter's increase across resets and bucket edges. */
class RollupTest {

    private static MinuteSamples samples(boolean counter, long[] ts, double[] values) {
        MinuteSamples samples = new MinuteSamples();
        for (int i = 0; i < ts.length; i++) {
            samples.add(ts[i], values[i], counter);
        }
        return samples;
    }

    @Test
    void aGaugeMinute() {
        Rollup r = Rollup.of(samples(
                false, new long[] {50_000, 0, 10_000, 20_000, 30_000, 40_000}, new double[] {30, 10, 16, 20, 30, 20}));

        assertThat(r.count).isEqualTo(6);
        assertThat(r.sum).isEqualTo(126);
        assertThat(r.min).isEqualTo(10);
        assertThat(r.max).isEqualTo(30);
        assertThat(r.first).isEqualTo(10);
        assertThat(r.firstTs).isZero();
        assertThat(r.last).isEqualTo(30);
        assertThat(r.lastTs).isEqualTo(50_000);
        assertThat(r.counter).isFalse();
    }

    @Test
    void aCounterResetCountsWhatCameAfterIt() {
        // 5 -> 8 (+3), reset to 2 (+2), 2 -> 6 (+4)
        Rollup r = Rollup.of(samples(true, new long[] {0, 10_000, 20_000, 30_000}, new double[] {5, 8, 2, 6}));

        assertThat(r.increase).isEqualTo(9);
        assertThat(r.resets).isEqualTo(1);
    }

    @Test
    void aResetOnAMinutesEdgeIsKeptByTheMerge() {
        Rollup first = Rollup.of(samples(true, new long[] {0, 30_000}, new double[] {100, 110}));
        Rollup second = Rollup.of(samples(true, new long[] {60_000, 90_000}, new double[] {3, 7}));
        Rollup direct = Rollup.of(samples(true, new long[] {0, 30_000, 60_000, 90_000}, new double[] {100, 110, 3, 7}));

        assertThat(second.increase).as("within the minute").isEqualTo(4);
        assertThat(second.resets).isZero();
        Rollup merged = first.merge(second);
        assertThat(merged.increase).isEqualTo(10 + 3 + 4).isEqualTo(direct.increase);
        assertThat(merged.resets).isEqualTo(1).isEqualTo(direct.resets);
        assertThat(merged.count).isEqualTo(4);
        assertThat(merged.sum).isEqualTo(220);
        assertThat(merged.first).isEqualTo(100);
        assertThat(merged.last).isEqualTo(7);
        assertThat(merged.lastTs).isEqualTo(90_000);
        assertThat(merged.min).isEqualTo(3);
        assertThat(merged.max).isEqualTo(110);
    }

    @Test
    void theSketchGivesEveryQuantileWithinOnePercentAndMergesToTheSameBytes() {
        long[] ts = new long[120];
        double[] values = new double[120];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = i * 1_000L;
            // Spread over six orders of magnitude, both signs and zero.
            values[i] = i % 17 == 0 ? 0 : (i % 3 == 0 ? -1 : 1) * Math.pow(10, i % 6) * (1 + i / 128.0);
        }
        Rollup direct = Rollup.of(samples(false, ts, values));
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        var sketch = ValueSketches.decode(direct.sketch);
        assertThat(sketch.getCount()).isEqualTo(120);
        for (double q : new double[] {0, 0.01, 0.25, 0.5, 0.9, 0.99, 1}) {
            double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
            assertThat(sketch.getValueAtQuantile(q))
                    .as("q %s", q)
                    .isCloseTo(exact, org.assertj.core.data.Offset.offset(Math.abs(exact) * 0.01 + 1e-12));
        }

        // The two minutes merged, the minutes the other way round, and the samples in reverse.
        Rollup first = Rollup.of(
                samples(false, java.util.Arrays.copyOfRange(ts, 0, 60), java.util.Arrays.copyOfRange(values, 0, 60)));
        Rollup second = Rollup.of(samples(
                false, java.util.Arrays.copyOfRange(ts, 60, 120), java.util.Arrays.copyOfRange(values, 60, 120)));
        assertThat(first.merge(second).sketch).isEqualTo(direct.sketch);
        assertThat(Rollup.mergeAll(java.util.List.of(second, first)).sketch).isEqualTo(direct.sketch);
        long[] reversedTs = new long[120];
        double[] reversed = new double[120];
        for (int i = 0; i < 120; i++) {
            reversedTs[i] = ts[119 - i];
            reversed[i] = values[119 - i];
        }
        assertThat(Rollup.of(samples(false, reversedTs, reversed)).sketch).isEqualTo(direct.sketch);
    }

    @Test
    void aRollupRestoredWithoutASketchMergesToNone() {
        Rollup old = Rollup.of(samples(false, new long[] {0}, new double[] {1}));
        old.sketch = null;
        Rollup next = Rollup.of(samples(false, new long[] {60_000}, new double[] {2}));

        assertThat(old.merge(next).sketch).isNull();
        assertThat(old.merge(next).count).isEqualTo(2);
        assertThat(old.toAvro("m", new SeriesKeys.Series("m", java.util.Map.of()), "1h", 0)
                        .getSketch())
                .isNull();
    }

    @Test
    void theSmallestValueOfATimestampIsItsSampleInEitherOrder() {
        MinuteSamples larger = new MinuteSamples();
        assertThat(larger.add(0, 5, false)).isEqualTo(MinuteSamples.Outcome.ADDED);
        assertThat(larger.add(0, 3, false)).isEqualTo(MinuteSamples.Outcome.REPLACED);
        assertThat(larger.displaced).isEqualTo(5);
        assertThat(larger.add(0, 5, false)).isEqualTo(MinuteSamples.Outcome.REFUSED_AGAIN);
        assertThat(larger.add(0, 3, false)).isEqualTo(MinuteSamples.Outcome.DUPLICATE);

        MinuteSamples smaller = new MinuteSamples();
        smaller.add(0, 3, false);
        assertThat(smaller.add(0, 5, false)).isEqualTo(MinuteSamples.Outcome.REFUSED);
        assertThat(smaller.changed).isFalse();
        assertThat(smaller.add(0, 5, false)).isEqualTo(MinuteSamples.Outcome.REFUSED_AGAIN);

        assertThat(larger.values).containsExactly(smaller.values);
        assertThat(larger.refusedValues).containsExactly(smaller.refusedValues);
    }

    @Test
    void aDuplicateMarkedAsACounterMakesTheSampleACounters() {
        MinuteSamples samples = new MinuteSamples();
        samples.add(0, 1, false);
        assertThat(samples.add(0, 1, true)).isEqualTo(MinuteSamples.Outcome.DUPLICATE);
        assertThat(samples.changed).isTrue();
        assertThat(Rollup.of(samples).counter).isTrue();
    }
}
