package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tally.jobs.metrics.PointsBlock;
import dev.tally.jobs.metrics.functions.RawMinute;
import dev.tally.jobs.metrics.functions.Rollup;
import dev.tally.jobs.metrics.functions.ValueSketches;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricRollup;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Steps merged from stored buckets: the job's merge rule, including the counter pair across a bucket edge. */
class MetricStepsTest {

    private static final long MINUTE = 60_000L;
    private static final long T = Instant.parse("2026-12-04T00:00:00Z").toEpochMilli();

    @Test
    void averageOfAMergedStepIsItsSumOverItsCount() {
        List<MetricSteps.Step> steps = MetricSteps.merge(
                List.of(
                        gauge(T, 1, 10, 10, 10, 10, 10),
                        gauge(T + MINUTE, 3, 3, 0.5, 1.5, 1.5, 0.5),
                        gauge(T + 2 * MINUTE, 2, 9, 4, 5, 4, 5)),
                2 * MINUTE);
        assertThat(steps).extracting(MetricSteps.Step::start).containsExactly(T, T + 2 * MINUTE);
        assertThat(steps).extracting(MetricSteps.Step::buckets).containsExactly(2, 1);
        assertThat(MetricAggregate.AVG.of(steps.get(0).rollup())).isEqualTo(13.0 / 4); // not (10 + 1) / 2
        assertThat(MetricAggregate.MIN.of(steps.get(0).rollup())).isEqualTo(0.5);
        assertThat(MetricAggregate.MAX.of(steps.get(0).rollup())).isEqualTo(10.0);
        assertThat(MetricAggregate.LAST.of(steps.get(0).rollup())).isEqualTo(0.5);
        assertThat(MetricAggregate.COUNT.of(steps.get(0).rollup())).isEqualTo(4L);
        assertThat(MetricAggregate.INCREASE.of(steps.get(0).rollup()))
                .as("gauges have no increase")
                .isNull();
    }

    @Test
    void increaseAddsTheBoundaryPairAndTreatsADropAsAReset() {
        List<MetricRollup> buckets = List.of(
                counter(T, 100, 130, 30),
                counter(T + MINUTE, 5, 25, 20), // dropped on the edge: the pair counts 5
                counter(T + 2 * MINUTE, 30, 40, 10), // rose on the edge: the pair counts 30 - 25
                counter(T + 3 * MINUTE, 45, 50, 5));
        assertThat(MetricSteps.merge(buckets, MINUTE))
                .extracting(s -> MetricAggregate.INCREASE.of(s.rollup()))
                .containsExactly(30.0, 20.0, 10.0, 5.0);
        assertThat(MetricSteps.merge(buckets, 2 * MINUTE))
                .extracting(s -> MetricAggregate.INCREASE.of(s.rollup()))
                .containsExactly(30.0 + 5 + 20, 10.0 + 5 + 5);
        MetricSteps.Step all = MetricSteps.merge(buckets, 4 * MINUTE).get(0);
        assertThat(MetricAggregate.INCREASE.of(all.rollup())).isEqualTo(30.0 + 5 + 20 + 5 + 10 + 5 + 5);
        assertThat(all.rollup().resets).isEqualTo(1);
    }

    /** Raw samples in steps: the counters' samples of the test above, in steps of 1 and 2 minutes and of 30 s. */
    @Test
    void rawSamplesGiveTheMergedMinutesValuesAndFinerSteps() {
        List<RawMinute> minutes =
                List.of(raw(T, true, 100, 130), raw(T + MINUTE, true, 5, 25), raw(T + 2 * MINUTE, true, 30, 40));
        long end = T + 3 * MINUTE;
        assertThat(MetricSteps.ofSamples(minutes, T, end, 2 * MINUTE))
                .extracting(s -> MetricAggregate.INCREASE.of(s.rollup()))
                .containsExactly(30.0 + 5 + 20, 10.0);
        List<MetricSteps.Step> halves = MetricSteps.ofSamples(minutes, T, end, MINUTE / 2);
        assertThat(halves)
                .extracting(MetricSteps.Step::start)
                .containsExactly(T, T + MINUTE / 2, T + MINUTE, T + 3 * MINUTE / 2, T + 2 * MINUTE, T + 5 * MINUTE / 2);
        assertThat(halves).extracting(MetricSteps.Step::buckets).containsOnly(1);
        assertThat(halves)
                .extracting(s -> MetricAggregate.LAST.of(s.rollup()))
                .containsExactly(100.0, 130.0, 5.0, 25.0, 30.0, 40.0);
        // A range that cuts minutes keeps only its samples.
        assertThat(MetricSteps.ofSamples(minutes, T + MINUTE / 2, T + 2 * MINUTE, MINUTE))
                .extracting(s -> MetricAggregate.SUM.of(s.rollup()))
                .containsExactly(130.0, 30.0);
        assertThat(MetricSteps.ofSamples(minutes, end, end + MINUTE, MINUTE)).isEmpty();
    }

    /** A minute's two samples, 1 s and 59 s into it, as the job packs them. */
    private static RawMinute raw(long minute, boolean counter, double first, double last) {
        long[] ts = {minute + 1_000, minute + 59_000};
        return new RawMinute(
                "c_total", "c_total", minute, counter, 2, PointsBlock.encode(ts, new double[] {first, last}, 2));
    }

    @Test
    void percentilesComeFromTheStepsMergedSketchesAndAreAbsentWithoutThem() {
        // 1..100 over two minutes: the step's p50 is 50 and its p99 is 99, within 1%.
        double[] low = new double[50];
        double[] high = new double[50];
        for (int i = 0; i < 50; i++) {
            low[i] = i + 1;
            high[i] = i + 51;
        }
        MetricRollup first = MetricRollup.newBuilder(gauge(T, 50, 1275, 1, 50, 1, 50))
                .setSketch(java.nio.ByteBuffer.wrap(ValueSketches.of(low, 50)))
                .build();
        MetricRollup second = MetricRollup.newBuilder(gauge(T + MINUTE, 50, 3775, 51, 100, 51, 100))
                .setSketch(java.nio.ByteBuffer.wrap(ValueSketches.of(high, 50)))
                .build();

        Rollup step =
                MetricSteps.merge(List.of(first, second), 2 * MINUTE).get(0).rollup();
        assertThat((Double) MetricAggregate.P50.of(step)).isCloseTo(50, within(0.5));
        assertThat((Double) MetricAggregate.P90.of(step)).isCloseTo(90, within(0.9));
        assertThat((Double) MetricAggregate.P99.of(step)).isCloseTo(99, within(0.99));
        assertThat(MetricAggregate.P50.of(
                        MetricSteps.merge(List.of(first), MINUTE).get(0).rollup()))
                .isNotNull();

        MetricRollup older = gauge(T + 2 * MINUTE, 1, 7, 7, 7, 7, 7);
        assertThat(MetricAggregate.P99.of(MetricSteps.merge(List.of(second, older), 2 * MINUTE)
                        .get(1)
                        .rollup()))
                .as("a bucket from before sketches")
                .isNull();
        assertThat(MetricAggregate.P99.of(MetricSteps.merge(List.of(first, second, older), 4 * MINUTE)
                        .get(0)
                        .rollup()))
                .isNull();
    }

    @Test
    void stepsAreAlignedToTheEpochAndEmptyStepsAreAbsent() {
        List<MetricSteps.Step> steps = MetricSteps.merge(
                List.of(gauge(T + MINUTE, 1, 1, 1, 1, 1, 1), gauge(T + 7 * MINUTE, 1, 2, 2, 2, 2, 2)), 5 * MINUTE);
        assertThat(steps).extracting(MetricSteps.Step::start).containsExactly(T, T + 5 * MINUTE);
    }

    private static MetricRollup gauge(
            long start, long count, double sum, double min, double max, double first, double last) {
        return row(start, MetricKind.GAUGE, count, sum, min, max, first, last, null);
    }

    private static MetricRollup counter(long start, double first, double last, double increase) {
        return row(
                start,
                MetricKind.COUNTER,
                2,
                first + last,
                Math.min(first, last),
                Math.max(first, last),
                first,
                last,
                increase);
    }

    private static MetricRollup row(
            long start,
            MetricKind kind,
            long count,
            double sum,
            double min,
            double max,
            double first,
            double last,
            Double increase) {
        return MetricRollup.newBuilder()
                .setSeriesKey("m")
                .setName("m")
                .setKind(kind)
                .setResolution("1m")
                .setBucketStart(start)
                .setCount(count)
                .setSum(sum)
                .setMin(min)
                .setMax(max)
                .setFirst(first)
                .setFirstTs(start + 1_000)
                .setLast(last)
                .setLastTs(start + 59_000)
                .setIncrease(increase)
                .setResets(increase == null ? null : 0L)
                .build();
    }
}
