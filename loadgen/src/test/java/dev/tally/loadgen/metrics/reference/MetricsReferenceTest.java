package dev.tally.loadgen.metrics.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schema.metrics.MetricKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference on small inputs whose rollups are worked out by hand from the SPEC (the job's README). */
class MetricsReferenceTest {

    private static final long HOUR = Instant.parse("2026-12-10T08:00:00Z").toEpochMilli();
    private static final Map<String, String> WEB01 = Map.of("host", "web01");
    private static final String REQUESTS = "http_requests_total{host=\"web01\"}";
    private static final String LOAD = "cpu.load{host=\"web01\"}";

    @Test
    void theSeriesKeySortsLabelsAndEscapesBackslashesAndQuotes() {
        assertThat(SeriesKey.of("cpu.load", Map.of("region", "us-west", "host", "web01")))
                .isEqualTo("cpu.load{host=\"web01\",region=\"us-west\"}");
        assertThat(SeriesKey.of("disk_free", Map.of("mount", "C:\\", "note", "say \"hi\"")))
                .isEqualTo("disk_free{mount=\"C:\\\\\",note=\"say \\\"hi\\\"\"}");
        assertThat(SeriesKey.of("up", Map.of())).isEqualTo("up");
        assertThat(SeriesKey.isOf("up{a=\"1\"}", "up")).isTrue();
        assertThat(SeriesKey.isOf("uptime", "up")).isFalse();
    }

    @Test
    void aPointsKindIsItsOwnElseItsNameSuffixes() {
        assertThat(point("requests_total", null, 0, 1).effectiveKind()).isEqualTo(MetricKind.COUNTER);
        assertThat(point("latency_count", null, 0, 1).effectiveKind()).isEqualTo(MetricKind.COUNTER);
        assertThat(point("disk_io_ops", MetricKind.COUNTER, 0, 1).effectiveKind())
                .isEqualTo(MetricKind.COUNTER);
        assertThat(point("cpu.load", null, 0, 1).effectiveKind()).isEqualTo(MetricKind.GAUGE);
        assertThat(point("total_bytes", null, 0, 1).effectiveKind()).isEqualTo(MetricKind.GAUGE);
    }

    @Test
    void aGaugeMinuteSummarisesItsSamplesInTsOrderWithoutIncrease() {
        // Sent out of order: first and last go by ts.
        MetricsReference.Result r = compute(sent(
                point("cpu.load", null, HOUR + 40_000, 2.5),
                point("cpu.load", null, HOUR + 10_000, 0.75),
                point("cpu.load", null, HOUR + 20_000, 4.0)));

        ExpectedRollup minute = new ExpectedRollup(
                MetricKind.GAUGE, 3, 7.25, 0.75, 4.0, 0.75, HOUR + 10_000, 2.5, HOUR + 40_000, null, null);
        assertThat(r.rollups()).containsEntry(new BucketKey(LOAD, BucketKey.MINUTE, HOUR), minute);
        assertThat(r.rollups()).containsEntry(new BucketKey(LOAD, BucketKey.HOUR, HOUR), minute);
        assertThat(r.rollups()).hasSize(2);
        assertThat(r.conflicts()).isEmpty();
    }

    @Test
    void aCounterResetInsideAMinuteAddsTheNewValueAndCountsOneReset() {
        MetricsReference.Result r = compute(sent(
                point("http_requests_total", null, HOUR, 10),
                point("http_requests_total", null, HOUR + 10_000, 15),
                point("http_requests_total", null, HOUR + 20_000, 3),
                point("http_requests_total", null, HOUR + 30_000, 7)));

        // 15 - 10, then a drop to 3 (a restart: + 3), then 7 - 3.
        assertThat(r.rollups().get(new BucketKey(REQUESTS, BucketKey.MINUTE, HOUR)))
                .isEqualTo(new ExpectedRollup(MetricKind.COUNTER, 4, 35, 3, 15, 10, HOUR, 7, HOUR + 30_000, 12.0, 1L));
    }

    @Test
    void aResetOnAMinutesFirstSampleCountsInTheHourButNotInTheMinute() {
        MetricsReference.Result r = compute(sent(
                point("http_requests_total", null, HOUR + 60_000, 100),
                point("http_requests_total", null, HOUR + 90_000, 110),
                point("http_requests_total", null, HOUR + 120_000, 5),
                point("http_requests_total", null, HOUR + 150_000, 8)));

        assertThat(r.rollups().get(new BucketKey(REQUESTS, BucketKey.MINUTE, HOUR + 60_000)))
                .isEqualTo(new ExpectedRollup(
                        MetricKind.COUNTER, 2, 210, 100, 110, 100, HOUR + 60_000, 110, HOUR + 90_000, 10.0, 0L));
        assertThat(r.rollups().get(new BucketKey(REQUESTS, BucketKey.MINUTE, HOUR + 120_000)))
                .isEqualTo(new ExpectedRollup(
                        MetricKind.COUNTER, 2, 13, 5, 8, 5, HOUR + 120_000, 8, HOUR + 150_000, 3.0, 0L));
        // The boundary pair (110, 5) is a restart: 10 + 5 + 3, one reset.
        assertThat(r.rollups().get(new BucketKey(REQUESTS, BucketKey.HOUR, HOUR)))
                .isEqualTo(new ExpectedRollup(
                        MetricKind.COUNTER, 4, 223, 5, 110, 100, HOUR + 60_000, 8, HOUR + 150_000, 18.0, 1L));
    }

    @Test
    void aResetOnAnHoursFirstSampleCountsInNeitherBucket() {
        MetricsReference.Result r = compute(sent(
                point("http_requests_total", null, HOUR - 10_000, 50),
                point("http_requests_total", null, HOUR, 2),
                point("http_requests_total", null, HOUR + 10_000, 4)));

        assertThat(r.rollups().get(new BucketKey(REQUESTS, BucketKey.HOUR, HOUR - 3_600_000)))
                .isEqualTo(new ExpectedRollup(
                        MetricKind.COUNTER, 1, 50, 50, 50, 50, HOUR - 10_000, 50, HOUR - 10_000, 0.0, 0L));
        assertThat(r.rollups().get(new BucketKey(REQUESTS, BucketKey.HOUR, HOUR)))
                .isEqualTo(new ExpectedRollup(MetricKind.COUNTER, 2, 6, 2, 4, 2, HOUR, 4, HOUR + 10_000, 2.0, 0L));
    }

    @Test
    void theSmallestValueOfASampleIsKeptAndEveryOtherValueIsOneConflictInEitherOrder() {
        List<ReferencePoint> points = List.of(
                point("cpu.load", null, HOUR, 5),
                point("cpu.load", null, HOUR, 5),
                point("cpu.load", null, HOUR, 7),
                point("cpu.load", null, HOUR, 3),
                point("cpu.load", null, HOUR, 7),
                point("cpu.load", null, HOUR + 10_000, 1));
        List<ReferencePoint> reversed = new ArrayList<>(points);
        Collections.reverse(reversed);

        for (List<ReferencePoint> order : List.of(points, reversed)) {
            MetricsReference.Result r = compute(sent(order.toArray(ReferencePoint[]::new)));

            assertThat(r.conflicts()).isEqualTo(Map.of(new PointId(LOAD, HOUR, 5), 1L, new PointId(LOAD, HOUR, 7), 1L));
            assertThat(r.rollups().get(new BucketKey(LOAD, BucketKey.MINUTE, HOUR)))
                    .isEqualTo(new ExpectedRollup(MetricKind.GAUGE, 2, 4, 1, 3, 3, HOUR, 1, HOUR + 10_000, null, null));
            assertThat(r.totals()).isEqualTo(new MetricsReference.Totals(6, 0, 0, 6, 0, 2, 2, 2));
        }
    }

    @Test
    void aSmallerConflictingValueOfACounterCanMakeAReset() {
        MetricsReference.Result r = compute(sent(
                point("http_requests_total", null, HOUR, 10),
                point("http_requests_total", null, HOUR + 10_000, 12),
                point("http_requests_total", null, HOUR + 10_000, 9)));

        assertThat(r.rollups().get(new BucketKey(REQUESTS, BucketKey.MINUTE, HOUR)))
                .isEqualTo(new ExpectedRollup(MetricKind.COUNTER, 2, 19, 9, 10, 10, HOUR, 9, HOUR + 10_000, 9.0, 1L));
        assertThat(r.conflicts()).containsOnlyKeys(new PointId(REQUESTS, HOUR + 10_000, 12));
    }

    @Test
    void aBucketWithAnyCounterSampleIsACountersOverAllItsPairs() {
        // One point declares the gauge-named series a counter: the minute is a counter's, every pair counts.
        MetricsReference.Result r = compute(sent(
                point("cpu.load", null, HOUR, 4),
                point("cpu.load", MetricKind.COUNTER, HOUR + 10_000, 6),
                point("cpu.load", null, HOUR + 20_000, 1)));

        assertThat(r.rollups().get(new BucketKey(LOAD, BucketKey.MINUTE, HOUR)))
                .isEqualTo(new ExpectedRollup(MetricKind.COUNTER, 3, 11, 1, 6, 4, HOUR, 1, HOUR + 20_000, 3.0, 1L));
    }

    @Test
    void pointsRoutedLateAreNotAppliedButOnlyLateCandidatesCanBeRouted() {
        ReferencePoint early = point("cpu.load", null, HOUR, 2);
        ReferencePoint late = point("cpu.load", null, HOUR + 10_000, 8);
        ReferencePoint onTime = point("cpu.load", null, HOUR + 20_000, 4);
        List<SentPoint> sent = List.of(
                new SentPoint(early, HOUR, false),
                new SentPoint(onTime, HOUR + 20_000, false),
                new SentPoint(late, HOUR + 20 * 60_000, true));

        MetricsReference.Result routed = compute(sent, Map.of(late.id(), 1));
        MetricsReference.Result applied = compute(sent, Map.of());
        // A job that routed a point no late candidate carries: nothing to take out, the point counts.
        MetricsReference.Result wronglyRouted = compute(sent, Map.of(onTime.id(), 1));

        assertThat(routed.rollups().get(new BucketKey(LOAD, BucketKey.MINUTE, HOUR)))
                .isEqualTo(new ExpectedRollup(MetricKind.GAUGE, 2, 6, 2, 4, 2, HOUR, 4, HOUR + 20_000, null, null));
        assertThat(routed.totals()).isEqualTo(new MetricsReference.Totals(3, 1, 1, 2, 0, 2, 0, 0));
        assertThat(applied.rollups().get(new BucketKey(LOAD, BucketKey.MINUTE, HOUR)))
                .isEqualTo(new ExpectedRollup(MetricKind.GAUGE, 3, 14, 2, 8, 2, HOUR, 4, HOUR + 20_000, null, null));
        assertThat(wronglyRouted.rollups()).isEqualTo(applied.rollups());
        assertThat(MetricsReference.lateCandidates(sent)).isEqualTo(Map.of(late.id(), 1));
    }

    @Test
    void aLateCandidateSentTwiceAndRoutedOnceIsStillApplied() {
        ReferencePoint late = point("cpu.load", null, HOUR, 8);
        List<SentPoint> sent =
                List.of(new SentPoint(late, HOUR + 20 * 60_000, true), new SentPoint(late, HOUR + 21 * 60_000, true));

        MetricsReference.Result r = compute(sent, Map.of(late.id(), 1));

        assertThat(r.rollups().get(new BucketKey(LOAD, BucketKey.MINUTE, HOUR)).count())
                .isEqualTo(1);
        assertThat(r.totals()).isEqualTo(new MetricsReference.Totals(2, 2, 1, 1, 0, 1, 0, 0));
    }

    @Test
    void aPointCanBeLateOnceTheNewestTsReachesItsMinutesEndLessOneMillisecondPlusTheLateness() {
        long ts = HOUR + 30_000;
        long threshold = HOUR + 60_000 - 1 + 300_000;

        assertThat(MetricsReference.couldBeLate(ts, threshold - 1, Duration.ofMinutes(5)))
                .isFalse();
        assertThat(MetricsReference.couldBeLate(ts, threshold, Duration.ofMinutes(5)))
                .isTrue();
        assertThat(MetricsReference.couldBeLate(ts, HOUR + 59_999, Duration.ZERO))
                .isTrue();
    }

    @Test
    void zeroAndNegativeZeroAreOneValue() {
        MetricsReference.Result r =
                compute(sent(point("cpu.load", null, HOUR, 0.0), point("cpu.load", null, HOUR, -0.0)));

        assertThat(r.conflicts()).isEmpty();
        assertThat(r.totals().duplicates()).isEqualTo(1);
    }

    private static ReferencePoint point(String name, MetricKind kind, long ts, double value) {
        return new ReferencePoint(name, WEB01, kind, ts, value);
    }

    private static List<SentPoint> sent(ReferencePoint... points) {
        List<SentPoint> sent = new ArrayList<>();
        for (ReferencePoint p : points) {
            sent.add(new SentPoint(p, p.ts(), false));
        }
        return sent;
    }

    private static MetricsReference.Result compute(List<SentPoint> sent) {
        return compute(sent, Map.of());
    }

    private static MetricsReference.Result compute(List<SentPoint> sent, Map<PointId, Integer> routedLate) {
        return MetricsReference.compute(sent, routedLate, Integer.MAX_VALUE);
    }

    @Test
    void overItsLimitANamesSeriesOfAnHourAreTakenByFirstMinuteThenKeyAndTheRestAreDeadLetters() {
        ReferencePoint c = new ReferencePoint("sessions", Map.of("id", "c"), null, HOUR + 61_000, 1);
        ReferencePoint cAgain = new ReferencePoint("sessions", Map.of("id", "c"), null, HOUR + 61_000, 1);
        ReferencePoint z = new ReferencePoint("sessions", Map.of("id", "z"), null, HOUR + 2_000, 2);
        ReferencePoint b = new ReferencePoint("sessions", Map.of("id", "b"), null, HOUR + 63_000, 3);
        ReferencePoint a = new ReferencePoint("sessions", Map.of("id", "a"), null, HOUR + 64_000, 4);
        ReferencePoint cNextHour = new ReferencePoint("sessions", Map.of("id", "c"), null, HOUR + 3_600_000, 5);
        ReferencePoint other = new ReferencePoint("users", Map.of("id", "x"), null, HOUR + 65_000, 6);
        MetricsReference.Result r = MetricsReference.compute(sent(c, cAgain, z, b, a, cNextHour, other), Map.of(), 2);
        assertThat(r.limited()).isEqualTo(Map.of(c.id(), 2L, b.id(), 1L));
        assertThat(r.rollups().keySet().stream().map(BucketKey::seriesKey).distinct())
                .containsExactlyInAnyOrder(z.seriesKey(), a.seriesKey(), c.seriesKey(), other.seriesKey());
        assertThat(r.rollups()
                        .get(new BucketKey(c.seriesKey(), BucketKey.HOUR, HOUR + 3_600_000))
                        .count())
                .isEqualTo(1);
        assertThat(r.totals().limited()).isEqualTo(3);
    }
}
