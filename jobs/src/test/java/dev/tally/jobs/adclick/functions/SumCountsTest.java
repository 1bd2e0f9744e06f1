package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The 1-minute window's aggregate: adds partial counts. */
class SumCountsTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z

    private final SumCounts sum = new SumCounts();

    @Test
    void startsAtZero() {
        assertThat(sum.getResult(sum.createAccumulator())).isZero();
    }

    @Test
    void addsPartialCounts() {
        Long acc = sum.createAccumulator();
        acc = sum.add(ClickCount.forFilter("ad1", 0, T0, 3), acc);
        acc = sum.add(ClickCount.forFilter("ad1", 0, T0, 1), acc);
        acc = sum.add(ClickCount.forFilter("ad1", 0, T0, 5), acc);
        assertThat(sum.getResult(acc)).isEqualTo(9L);
    }

    @Test
    void mergesAccumulators() {
        Long a = sum.add(ClickCount.forCountry("ad1", "US", T0, 4), sum.createAccumulator());
        Long b = sum.add(ClickCount.forCountry("ad1", "US", T0, 6), sum.createAccumulator());
        assertThat(sum.getResult(sum.merge(a, b))).isEqualTo(10L);
        assertThat(sum.merge(a, sum.createAccumulator())).isEqualTo(4L);
        assertThat(sum.merge(sum.createAccumulator(), sum.createAccumulator())).isZero();
    }

    @Test
    void addIsIndependentOfGrouping() {
        long[] partials = {1, 2, 3, 4, 5, 6, 7};
        Long left = sum.createAccumulator();
        Long right = sum.createAccumulator();
        Long all = sum.createAccumulator();
        for (int i = 0; i < partials.length; i++) {
            ClickCount partial = ClickCount.forFilter("ad1", 1, T0, partials[i]);
            all = sum.add(partial, all);
            if (i % 2 == 0) {
                left = sum.add(partial, left);
            } else {
                right = sum.add(partial, right);
            }
        }
        assertThat(sum.merge(left, right)).isEqualTo(all).isEqualTo(28L);
    }
}
