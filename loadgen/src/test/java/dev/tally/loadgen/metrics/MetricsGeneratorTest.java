package dev.tally.loadgen.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.GeneratedRecord.Kind;
import dev.tally.loadgen.metrics.reference.ReferencePoint;
import dev.tally.loadgen.metrics.reference.SentPoint;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator against what the verifier relies on: valid points pass the job's validation as its
 * README states it and rejected records fail it with the reason the truth holds, every value is on the
 * 1/1024 grid, keys are series keys, every fault occurs, late candidates are far behind and everything
 * else well within the lateness, and the truth holds exactly the points sent.
 */
class MetricsGeneratorTest {

    private static final long START = Instant.parse("2026-12-10T08:00:00Z").toEpochMilli();
    private static final MetricsSettings SETTINGS = MetricsSettings.forTest(7, 60_000, START);
    private static final AvroCodec<MetricPoint> CODEC = AvroCodec.of(MetricPoint.class);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:.]*");
    private static final Pattern LABEL_KEY = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** A generated record with its point decoded (null when it does not decode) and, if not, why. */
    private record Decoded(GeneratedRecord record, MetricPoint point, String undecodable) {

        String key() {
            return new String(record.key(), StandardCharsets.UTF_8);
        }
    }

    private static MetricsTruth truth;
    private static MetricsGenerator generator;
    private static List<Decoded> records;

    @BeforeAll
    static void generate() {
        truth = new MetricsTruth();
        generator = new MetricsGenerator(SETTINGS, truth);
        records = decode(generator);
    }

    @Test
    void theSameSeedGivesTheSameRecords() {
        List<GeneratedRecord> again = new ArrayList<>();
        new MetricsGenerator(SETTINGS, MetricsTruth.totalsOnly()).forEachRemaining(again::add);

        assertThat(again).hasSameSizeAs(records);
        for (int i = 0; i < again.size(); i++) {
            GeneratedRecord a = again.get(i);
            GeneratedRecord b = records.get(i).record();
            assertThat(a.key()).isEqualTo(b.key());
            assertThat(a.value()).isEqualTo(b.value());
            assertThat(a.timestamp()).isEqualTo(b.timestamp());
            assertThat(a.kind()).isEqualTo(b.kind());
            assertThat(a.partition()).isEqualTo(b.partition());
        }
    }

    @Test
    void aLiveGeneratorHandsOutEachRecordAtItsSendTimeTheSameRecordsWithoutClosingPoints() {
        // 48,002 series every 4 s: about 12,000 records a second of wall time.
        long now = System.currentTimeMillis();
        MetricsSettings fast = MetricsSettings.forTest(3, 3_000, now, 20, 200, Duration.ofSeconds(4));
        // Without the clock the first quarter second of event time would come out at once, ahead of now.
        List<GeneratedRecord> timed = new ArrayList<>();
        new MetricsGenerator(fast, MetricsTruth.totalsOnly(), System::currentTimeMillis).forEachRemaining(r -> {
            assertThat(r.timestamp()).isLessThanOrEqualTo(System.currentTimeMillis());
            timed.add(r);
        });
        List<GeneratedRecord> untimed = new ArrayList<>();
        new MetricsGenerator(fast, MetricsTruth.totalsOnly()).forEachRemaining(untimed::add);

        assertThat(timed).hasSize(3_000).noneMatch(r -> r.kind() == Kind.CONTROL);
        assertThat(untimed.subList(0, 3_000 - 4)).allMatch(r -> r.kind() != Kind.CONTROL);
        for (int i = 0; i < 3_000 - 4; i++) {
            assertThat(timed.get(i).kind()).isEqualTo(untimed.get(i).kind());
            assertThat(timed.get(i).timestamp()).isEqualTo(untimed.get(i).timestamp());
            if (timed.get(i).kind() != Kind.MALFORMED) {
                // (A point too far ahead is placed after the wall clock too, so it differs.)
                assertThat(timed.get(i).value()).isEqualTo(untimed.get(i).value());
            }
        }
    }

    @Test
    void validPointsPassTheJobsValidationAndRejectedOnesFailItWithTheTruthsReason() {
        Map<String, Long> reasons = new TreeMap<>();
        for (Decoded d : records) {
            String reason = deadLetterReason(d);
            if (d.record().kind() == Kind.MALFORMED) {
                assertThat(reason).as("rejected record %s", d.point()).isNotNull();
                reasons.merge(reason, 1L, Long::sum);
            } else {
                assertThat(reason)
                        .as("%s record %s", d.record().kind(), d.point())
                        .isNull();
            }
        }
        assertThat(reasons)
                .isEqualTo(truth.expected(SETTINGS.allowedLateness(), SETTINGS.maxSeriesPerName())
                        .deadLetters());
        assertThat(reasons.keySet())
                .containsExactlyInAnyOrder(
                        "EMPTY",
                        "BAD_HEADER",
                        "TRUNCATED",
                        "UNKNOWN_SCHEMA",
                        "CORRUPT",
                        "INVALID_VALUE",
                        "FIELD_TOO_LONG",
                        "MISSING_FIELD",
                        "INVALID_FIELD",
                        "TIMESTAMP_OUT_OF_RANGE");
    }

    @Test
    void everyValueIsOnTheGridOfOneOver1024AndModest() {
        for (Decoded d : valid()) {
            double scaled = d.point().getValue() * 1024;
            assertThat(scaled).as("%s", d.point()).isEqualTo(Math.rint(scaled));
            assertThat(Math.abs(d.point().getValue())).isLessThan(1e7);
        }
    }

    @Test
    void keysAreTheSeriesKeysOfThePoints() {
        Set<String> keys = new HashSet<>();
        for (Decoded d : valid()) {
            keys.add(d.key());
            assertThat(d.key()).isEqualTo(ReferencePoint.of(d.point()).seriesKey());
        }
        assertThat(keys.stream().filter(k -> !k.startsWith(MetricsSettings.FLOOD_METRIC + "{")))
                .hasSize(SETTINGS.series());
        assertThat(keys)
                .contains(
                        "cluster_up",
                        "cluster_jobs_total",
                        "cpu.load{host=\"web-01\",pool=\"web\",region=\"us-east-1\"}",
                        "disk_free_gigabytes{host=\"api-04\",mount=\"C:\\\\\",pool=\"api\"}",
                        "queue_depth{host=\"web-02\",pool=\"web\",queue=\"orders \\\"priority\\\"\",region=\"us-east-1\"}");
    }

    @Test
    void theFleetMixesGaugesAndCountersByNameAndByDeclaredKind() {
        Map<String, MetricPoint> bySeries = new HashMap<>();
        valid().forEach(d -> bySeries.putIfAbsent(d.key(), d.point()));
        List<MetricPoint> series = List.copyOf(bySeries.values());

        assertThat(series).anyMatch(p -> p.getKind() == null && p.getName().endsWith("_total"));
        assertThat(series).anyMatch(p -> p.getKind() == null && p.getName().endsWith("_count"));
        assertThat(series)
                .anyMatch(p -> p.getKind() == MetricKind.COUNTER && !p.getName().endsWith("_total"));
        assertThat(series)
                .anyMatch(p -> p.getKind() == null
                        && !p.getName().endsWith("_total")
                        && !p.getName().endsWith("_count"));
        assertThat(series).anyMatch(p -> p.getKind() == MetricKind.GAUGE);
        // One series, one declared kind: every sample and bucket of a series is of the same kind.
        for (Decoded d : valid()) {
            assertThat(d.point().getKind()).isEqualTo(bySeries.get(d.key()).getKind());
        }
    }

    @Test
    void everyFaultOccurs() {
        Map<String, Map<Long, List<Decoded>>> samples = samples();
        long exactDuplicates = 0;
        long smallerAfter = 0;
        long smallerBefore = 0;
        long largerAfter = 0;
        long threeValues = 0;
        for (Map<Long, List<Decoded>> series : samples.values()) {
            for (List<Decoded> points : series.values()) {
                Set<Double> values = new HashSet<>();
                for (int i = 0; i < points.size(); i++) {
                    double v = points.get(i).point().getValue();
                    if (!values.add(v)) {
                        exactDuplicates++;
                    }
                    if (i > 0) {
                        double first = points.get(0).point().getValue();
                        if (v < first) {
                            smallerAfter++;
                        } else if (v > first) {
                            largerAfter++;
                        }
                    }
                }
                if (points.size() > 1
                        && points.get(0).point().getValue()
                                < points.get(1).point().getValue()) {
                    smallerBefore++;
                }
                if (values.size() >= 3) {
                    threeValues++;
                }
            }
        }
        assertThat(exactDuplicates).isPositive();
        assertThat(smallerAfter).isPositive();
        assertThat(smallerBefore).isPositive();
        assertThat(largerAfter).isPositive();
        assertThat(threeValues).isPositive();
        assertThat(truth.totals().lateCandidates()).isPositive();
        assertThat(generator.injected().delayed()).isPositive();
        assertThat(generator.injected().silences()).isPositive();
    }

    @Test
    void lateCandidatesAreFarBehindAndEveryOtherPointWellWithinTheLateness() {
        long newest = Long.MIN_VALUE;
        long delayed = 0;
        for (Decoded d : records) {
            if (d.record().kind() == Kind.CONTROL || d.record().kind() == Kind.MALFORMED) {
                continue;
            }
            long behind = newest == Long.MIN_VALUE ? 0 : newest - d.point().getTs();
            if (d.record().kind() == Kind.LATE) {
                assertThat(behind)
                        .isGreaterThanOrEqualTo(SETTINGS.lateCandidateBehind())
                        .isGreaterThanOrEqualTo(10 * 60_000L);
            } else {
                assertThat(behind).isLessThan(SETTINGS.allowedLateness().toMillis() - 60_000);
                if (behind >= 60_000) {
                    delayed++;
                }
            }
            newest = Math.max(newest, d.point().getTs());
        }
        assertThat(delayed).isPositive();
    }

    @Test
    void kafkaTimestampsFollowTheNewestTsAndKeepEveryValidTsInRange() {
        long previous = Long.MIN_VALUE;
        for (Decoded d : records) {
            GeneratedRecord r = d.record();
            assertThat(r.timestamp()).isGreaterThanOrEqualTo(previous);
            previous = r.timestamp();
            if (r.kind() != Kind.MALFORMED) {
                assertThat(d.point().getTs())
                        .isBetween(r.timestamp() - Duration.ofDays(7).toMillis(), r.timestamp());
            }
        }
    }

    @Test
    void countersRestartAndSomeRestartsFallOnAMinutesFirstSample() {
        long restarts = 0;
        long onMinuteStart = 0;
        for (Map<Long, List<Decoded>> series : samples().values()) {
            MetricPoint previous = null;
            for (List<Decoded> points : series.values()) {
                // The value first sent: conflicting values are the other faults'.
                MetricPoint p = points.get(0).point();
                boolean counter = ReferencePoint.of(p).effectiveKind() == MetricKind.COUNTER;
                if (counter && previous != null && p.getValue() < previous.getValue() && points.size() == 1) {
                    restarts++;
                    if (Math.floorMod(p.getTs(), 60_000L) < SETTINGS.interval().toMillis()) {
                        onMinuteStart++;
                    }
                }
                previous = p;
            }
        }
        assertThat(restarts).isPositive();
        assertThat(onMinuteStart).isPositive();
    }

    @Test
    void aSilentHostSendsNothingForMinutesWhileTheOthersGoOn() {
        long longestGap = 0;
        for (Map.Entry<String, Map<Long, List<Decoded>>> series : samples().entrySet()) {
            long previous = Long.MIN_VALUE;
            for (long ts : series.getValue().keySet()) {
                if (previous != Long.MIN_VALUE) {
                    longestGap = Math.max(longestGap, ts - previous);
                }
                previous = ts;
            }
        }
        assertThat(longestGap).isGreaterThanOrEqualTo(2 * 60_000L);
    }

    @Test
    void theClosingPointsGoOneToEachPartitionAnHourAndTheLatenessPastTheLastTs() {
        List<Decoded> closing =
                records.stream().filter(d -> d.record().kind() == Kind.CONTROL).toList();
        long lastTs = valid().stream().mapToLong(d -> d.point().getTs()).max().orElseThrow();

        assertThat(closing).hasSize(SETTINGS.partitions());
        assertThat(records.subList(records.size() - closing.size(), records.size()))
                .isEqualTo(closing);
        for (int p = 0; p < closing.size(); p++) {
            Decoded d = closing.get(p);
            assertThat(d.record().partition()).isEqualTo(p);
            assertThat(d.point().getName()).isEqualTo(MetricsGenerator.CLOSING_SERIES);
            assertThat(d.point().getLabels()).isEqualTo(Map.of("partition", Integer.toString(p)));
            assertThat(d.point().getTs())
                    .isEqualTo(lastTs + 3_600_000 + 5 * 60_000 + 2 * 60_000)
                    .isEqualTo(d.record().timestamp());
            assertThat(d.key()).isEqualTo(MetricsGenerator.CLOSING_SERIES + "{partition=\"" + p + "\"}");
        }
        assertThat(records.stream().filter(d -> d.record().partition() != null)).hasSize(closing.size());
    }

    @Test
    void theTruthHoldsExactlyThePointsSentAndCountsEveryRecord() {
        ExpectedMetrics expected = truth.expected(SETTINGS.allowedLateness(), SETTINGS.maxSeriesPerName());
        List<ReferencePoint> sent =
                valid().stream().map(d -> ReferencePoint.of(d.point())).toList();
        List<Long> timestamps =
                valid().stream().map(d -> d.record().timestamp()).toList();
        List<Boolean> late =
                valid().stream().map(d -> d.record().kind() == Kind.LATE).toList();

        assertThat(expected.points().stream().map(SentPoint::point).toList()).isEqualTo(sent);
        assertThat(expected.points().stream().map(SentPoint::kafkaTimestamp).toList())
                .isEqualTo(timestamps);
        assertThat(expected.points().stream().map(SentPoint::lateCandidate).toList())
                .isEqualTo(late);
        ExpectedMetrics.Totals t = truth.totals();
        assertThat(t.records()).isEqualTo(SETTINGS.records()).isEqualTo(records.size());
        assertThat(t.points() + t.deadLetters() + t.closing()).isEqualTo(t.records());
        assertThat(t.closing()).isEqualTo(SETTINGS.partitions());
        // About 60,000 records over 98 series every 10 s: about 100 minutes, hours of both kinds.
        assertThat(expected.rollups().keySet().stream()
                        .filter(k -> k.resolution().equals("1h"))
                        .map(k -> k.bucketStart())
                        .distinct())
                .hasSize(2);
    }

    @Test
    void aTotalsOnlyTruthCountsTheSame() {
        MetricsTruth totals = MetricsTruth.totalsOnly();
        new MetricsGenerator(SETTINGS, totals).forEachRemaining(r -> {});

        assertThat(totals.totals()).isEqualTo(truth.totals());
    }

    /** The valid points sent, closing points aside. */
    private static List<Decoded> valid() {
        return records.stream()
                .filter(d -> d.record().kind() != Kind.MALFORMED && d.record().kind() != Kind.CONTROL)
                .toList();
    }

    /** The valid points by series key and ts, in the order sent. */
    private static Map<String, Map<Long, List<Decoded>>> samples() {
        Map<String, Map<Long, List<Decoded>>> samples = new HashMap<>();
        for (Decoded d : valid()) {
            samples.computeIfAbsent(d.key(), k -> new TreeMap<>())
                    .computeIfAbsent(d.point().getTs(), ts -> new ArrayList<>())
                    .add(d);
        }
        return samples;
    }

    /** The job's validation as its README states it; null for a valid point. */
    private static String deadLetterReason(Decoded d) {
        if (d.undecodable() != null) {
            return d.undecodable();
        }
        MetricPoint p = d.point();
        if (p.getName().length() > 200
                || p.getLabels().size() > 30
                || p.getLabels().keySet().stream().anyMatch(k -> k.length() > 100)
                || p.getLabels().values().stream().anyMatch(v -> v.length() > 256)) {
            return "FIELD_TOO_LONG";
        }
        if (p.getName().isEmpty()) {
            return "MISSING_FIELD";
        }
        if (!NAME.matcher(p.getName()).matches()
                || p.getLabels().keySet().stream()
                        .anyMatch(k -> !LABEL_KEY.matcher(k).matches())) {
            return "INVALID_FIELD";
        }
        if (p.getKind() == MetricKind.GAUGE
                && (p.getName().endsWith("_total") || p.getName().endsWith("_count"))) {
            return "INVALID_FIELD";
        }
        if (!Double.isFinite(p.getValue())) {
            return "INVALID_VALUE";
        }
        long kafka = d.record().timestamp();
        if (p.getTs() < kafka - Duration.ofDays(7).toMillis()
                || p.getTs() > kafka + Duration.ofMinutes(5).toMillis()) {
            return "TIMESTAMP_OUT_OF_RANGE";
        }
        return null;
    }

    private static List<Decoded> decode(MetricsGenerator generator) {
        List<Decoded> decoded = new ArrayList<>();
        generator.forEachRemaining(r -> {
            try {
                decoded.add(new Decoded(r, CODEC.decode(r.value()), null));
            } catch (AvroDecodeException e) {
                decoded.add(new Decoded(r, null, e.reason().name()));
            }
        });
        return decoded;
    }

    @Test
    void theFloodBringsANewSeriesAnIntervalEachWithTwoSamplesMoreInAnHourThanTheLimit() {
        Map<String, List<Long>> flood = new HashMap<>();
        for (Decoded d : valid()) {
            if (d.point().getName().equals(MetricsSettings.FLOOD_METRIC)) {
                flood.computeIfAbsent(d.key(), k -> new ArrayList<>())
                        .add(d.point().getTs());
            }
        }
        long hour = 3_600_000L;
        Map<Long, Long> seriesPerHour = new HashMap<>();
        flood.forEach((key, ts) -> {
            assertThat(ts).as(key).hasSizeBetween(1, 2);
            ts.stream().map(t -> Math.floorDiv(t, hour)).distinct().forEach(h -> seriesPerHour.merge(h, 1L, Long::sum));
        });
        assertThat(flood.values().stream().filter(ts -> ts.size() == 2)).hasSizeGreaterThan(flood.size() - 2);
        assertThat(seriesPerHour.values()).anySatisfy(n -> assertThat(n).isGreaterThan(SETTINGS.maxSeriesPerName()));
    }
}
