package dev.tally.loadgen.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.jobs.metrics.PointsBlock;
import dev.tally.loadgen.Comparison;
import dev.tally.loadgen.RecordCheck;
import dev.tally.loadgen.metrics.MetricsVerifier.KeyedRollup;
import dev.tally.loadgen.metrics.MetricsVerifier.Output;
import dev.tally.loadgen.metrics.reference.BucketKey;
import dev.tally.loadgen.metrics.reference.ExpectedRollup;
import dev.tally.loadgen.metrics.reference.MetricsReference;
import dev.tally.loadgen.metrics.reference.PointId;
import dev.tally.loadgen.metrics.reference.ReferencePoint;
import dev.tally.loadgen.metrics.reference.SentPoint;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.schema.metrics.MetricRollup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifier's comparison without a job: the output a correct job writes (built here from the
 * reference) is an exact match whichever late candidates it routed late, and each kind of wrong output
 * is reported where it is.
 */
class MetricsVerifierTest {

    private static final long START = Instant.parse("2026-12-10T08:00:00Z").toEpochMilli();
    private static final String ROLLUPS = "metric-rollups";
    private static final String INPUT = "metrics";
    private static final AvroCodec<MetricPoint> POINTS = AvroCodec.of(MetricPoint.class);

    private static ExpectedMetrics truth;
    private static Map<String, ReferencePoint> seriesPoints;

    @BeforeAll
    static void generate() {
        MetricsTruth generated = new MetricsTruth();
        MetricsSettings settings = MetricsSettings.forTest(3, 30_000, START);
        new MetricsGenerator(settings, generated).forEachRemaining(r -> {});
        truth = generated.expected(settings.allowedLateness(), settings.maxSeriesPerName());
        seriesPoints = new HashMap<>();
        truth.points().forEach(s -> seriesPoints.putIfAbsent(s.point().seriesKey(), s.point()));
    }

    @Test
    void aCorrectJobsOutputIsAnExactMatch() {
        Map<PointId, Integer> allLate = truth.lateCandidates();
        MetricsVerifier.Report report = MetricsVerifier.compare(truth, correctOutput(allLate), ROLLUPS, INPUT);

        assertThat(report.exact()).as(printed(report)).isTrue();
        assertThat(report.comparisons())
                .allSatisfy(c -> assertThat(c.matched()).as(c.what()).isPositive());
        assertThat(report.lateRecords())
                .isEqualTo(truth.totals().lateCandidates())
                .isPositive();
        assertThat(report.expected().routedLate()).isEqualTo(report.lateRecords());
        assertThat(printed(report)).contains("RESULT: EXACT MATCH");
    }

    @Test
    void lateCandidatesTheJobAppliedAreExpectedApplied() {
        MetricsVerifier.Report report = MetricsVerifier.compare(truth, correctOutput(Map.of()), ROLLUPS, INPUT);

        assertThat(report.exact()).as(printed(report)).isTrue();
        assertThat(report.expected().routedLate()).isZero();
    }

    @Test
    void aWrongValueInOneRowIsOneWrongRollup() {
        Output correct = correctOutput(truth.lateCandidates());
        List<MetricRollup> minutes = new ArrayList<>(correct.cassandraMinutes());
        MetricRollup r = minutes.get(0);
        minutes.set(
                0, MetricRollup.newBuilder(r).setSum(r.getSum() + 1.0 / 1024).build());
        Output output = new Output(
                minutes, correct.cassandraHours(), correct.kafkaRollups(), correct.deadLetters(), correct.late());

        MetricsVerifier.Report report = MetricsVerifier.compare(truth, output, ROLLUPS, INPUT);

        Comparison c = report.comparison("cassandra metric_rollups_1m");
        assertThat(c.wrong()).isEqualTo(1);
        assertThat(c.missing() + c.extra()).isZero();
        assertThat(report.exact()).isFalse();
        assertThat(printed(report)).contains("RESULT: MISMATCH");
    }

    @Test
    void aSeriesMissingUnderOneOfItsLabelsIsMissingThere() {
        Output correct = correctOutput(truth.lateCandidates());
        List<MetricsVerifier.IndexRow> byLabel = new ArrayList<>(correct.index().byLabel());
        byLabel.remove(0);

        MetricsVerifier.Report report = MetricsVerifier.compare(
                truth,
                correct.withIndex(
                        new MetricsVerifier.SeriesIndex(correct.index().series(), byLabel)),
                ROLLUPS,
                INPUT);

        assertThat(report.comparison("cassandra metric_series_by_label").missing())
                .isEqualTo(1);
        assertThat(report.comparison("cassandra metric_series").matched()).isPositive();
        assertThat(report.exact()).isFalse();
    }

    /** A raw minute whose block holds one value a bit off, and one whose row is gone. */
    @Test
    void aRawMinuteWithAWrongSampleIsWrongAndAMissingOneMissing() {
        Output correct = correctOutput(truth.lateCandidates());
        List<MetricsVerifier.RawRow> raw = new ArrayList<>(correct.raw());
        MetricsVerifier.RawRow first = raw.get(0);
        PointsBlock.Points points = PointsBlock.decode(first.points());
        double[] values = points.values().clone();
        values[values.length - 1] = Math.nextUp(values[values.length - 1]);
        raw.set(
                0,
                new MetricsVerifier.RawRow(
                        first.seriesKey(),
                        first.minute(),
                        first.counter(),
                        first.count(),
                        PointsBlock.encode(points.ts(), values, values.length)));
        raw.remove(1);

        MetricsVerifier.Report report = MetricsVerifier.compare(truth, correct.withRaw(raw), ROLLUPS, INPUT);

        Comparison c = report.comparison("cassandra metric_raw_minutes");
        assertThat(c.wrong()).isEqualTo(1);
        assertThat(c.missing()).isEqualTo(1);
        assertThat(c.extra()).isZero();
        assertThat(report.exact()).isFalse();
    }

    @Test
    void onlyTheLastRecordOfABucketOnTheTopicCounts() {
        Output correct = correctOutput(truth.lateCandidates());
        KeyedRollup last = correct.kafkaRollups().get(0);
        KeyedRollup earlier = new KeyedRollup(
                last.key(),
                MetricRollup.newBuilder(last.rollup())
                        .setCount(last.rollup().getCount() - 1)
                        .build());
        List<KeyedRollup> reemitted = new ArrayList<>(correct.kafkaRollups());
        reemitted.add(0, earlier);
        List<KeyedRollup> staleLast = new ArrayList<>(correct.kafkaRollups());
        staleLast.add(earlier);

        MetricsVerifier.Report fine = MetricsVerifier.compare(truth, withRollups(correct, reemitted), ROLLUPS, INPUT);
        MetricsVerifier.Report stale = MetricsVerifier.compare(truth, withRollups(correct, staleLast), ROLLUPS, INPUT);

        assertThat(fine.exact()).as(printed(fine)).isTrue();
        assertThat(stale.comparison("kafka " + ROLLUPS + " " + last.rollup().getResolution())
                        .wrong())
                .isEqualTo(1);
    }

    @Test
    void aRollupUnderAnotherKeyOrWithLabelsNotOfItsSeriesFailsItsCheck() {
        Output correct = correctOutput(truth.lateCandidates());
        List<KeyedRollup> records = new ArrayList<>(correct.kafkaRollups());
        KeyedRollup first = records.get(0);
        records.set(0, new KeyedRollup("cluster_up", first.rollup()));
        records.set(
                1,
                new KeyedRollup(
                        records.get(1).key(),
                        MetricRollup.newBuilder(records.get(1).rollup())
                                .setLabels(Map.of())
                                .build()));

        MetricsVerifier.Report report = MetricsVerifier.compare(truth, withRollups(correct, records), ROLLUPS, INPUT);

        assertThat(check(report, "keyed by series_key").failed()).isEqualTo(1);
        assertThat(check(report, "name and labels give series_key").failed()).isEqualTo(1);
        assertThat(report.exact()).isFalse();
    }

    @Test
    void aPointOnTheLateTopicThatIsNoLateCandidateFailsTheCheck() {
        Output correct = correctOutput(truth.lateCandidates());
        SentPoint onTime = truth.points().stream()
                .filter(s -> !s.lateCandidate())
                .findFirst()
                .orElseThrow();
        List<MetricPoint> late = new ArrayList<>(correct.late());
        late.add(onTime.point().toAvro());

        MetricsVerifier.Report report = MetricsVerifier.compare(
                truth,
                new Output(
                        correct.cassandraMinutes(),
                        correct.cassandraHours(),
                        correct.kafkaRollups(),
                        correct.deadLetters(),
                        late),
                ROLLUPS,
                INPUT);

        assertThat(check(report, "only late candidates").failed()).isEqualTo(1);
        assertThat(report.exact()).isFalse();
    }

    @Test
    void aLateCandidateRoutedBeforeItsMinutesLatenessCouldHavePassedFailsTheCheck() {
        long ts = START + 30_000;
        ReferencePoint point = new ReferencePoint("cpu.load", Map.of("host", "web-01"), null, ts, 1.5);
        // Flagged a candidate, but sent when the newest ts was only 4 minutes past it: no watermark was past its
        // lateness.
        ExpectedMetrics handMade = ExpectedMetrics.of(
                Duration.ofMinutes(5),
                20_000,
                List.of(new SentPoint(point, ts + 4 * 60_000, true)),
                Map.of(),
                new ExpectedMetrics.Totals(1, 1, 1, 0, 0));
        Output output = new Output(List.of(), List.of(), List.of(), List.of(), List.of(point.toAvro()));

        MetricsVerifier.Report report = MetricsVerifier.compare(handMade, output, ROLLUPS, INPUT);

        assertThat(check(report, "only late candidates").passed()).isTrue();
        assertThat(check(report, "past their minute's lateness").failed()).isEqualTo(1);
    }

    @Test
    void aConflictDeadLetteredTwiceIsWrongAndAMissingReasonIsMissing() {
        Output correct = correctOutput(truth.lateCandidates());
        List<DeadLetter> letters = new ArrayList<>(correct.deadLetters());
        DeadLetter conflict = letters.stream()
                .filter(d -> d.getReason().equals("CONFLICTING_SAMPLE"))
                .findFirst()
                .orElseThrow();
        letters.add(conflict);
        letters.removeIf(d -> d.getReason().equals("TRUNCATED"));

        MetricsVerifier.Report report = MetricsVerifier.compare(
                truth,
                new Output(
                        correct.cassandraMinutes(),
                        correct.cassandraHours(),
                        correct.kafkaRollups(),
                        letters,
                        correct.late()),
                ROLLUPS,
                INPUT);

        assertThat(report.comparison("kafka metrics.dlq CONFLICTING_SAMPLE").wrong())
                .isEqualTo(1);
        assertThat(report.comparison("kafka metrics.dlq other reasons").missing())
                .isEqualTo(1);
    }

    @Test
    void aSketchOffByMoreThanItsAccuracyOrMissingFails() {
        Output correct = correctOutput(truth.lateCandidates());
        List<MetricRollup> minutes = new ArrayList<>(correct.cassandraMinutes());
        MetricRollup widest = minutes.stream()
                .filter(r -> r.getMax() > 0)
                .max(java.util.Comparator.comparing(MetricRollup::getMax))
                .orElseThrow();
        BucketKey key = new BucketKey(widest.getSeriesKey(), BucketKey.MINUTE, widest.getBucketStart());
        minutes.set(
                minutes.indexOf(widest),
                MetricRollup.newBuilder(widest)
                        .setSketch(sketch(
                                truth.applying(truth.lateCandidates()).samples().get(key), 1.03))
                        .build());
        List<MetricRollup> hours = new ArrayList<>(correct.cassandraHours());
        hours.set(0, MetricRollup.newBuilder(hours.get(0)).setSketch(null).build());

        MetricsVerifier.Report report = MetricsVerifier.compare(
                truth,
                new Output(minutes, hours, correct.kafkaRollups(), correct.deadLetters(), correct.late()),
                ROLLUPS,
                INPUT);

        assertThat(check(report, "metric_rollups_1m sketch quantiles within 1%").failed())
                .isEqualTo(1);
        assertThat(check(report, "metric_rollups_1m sketch quantiles within 1%")
                        .examples()
                        .get(0))
                .contains("quantile");
        assertThat(check(report, "metric_rollups_1h sketch quantiles within 1%").failed())
                .isEqualTo(1);
        assertThat(check(report, "metric_rollups_1h sketch quantiles within 1%")
                        .examples()
                        .get(0))
                .contains("no sketch");
        assertThat(check(report, ROLLUPS + " sketch quantiles within 1%").passed())
                .isTrue();
        assertThat(report.exact()).isFalse();
    }

    @Test
    void theClosingSeriesIsIgnoredEverywhere() {
        Output correct = correctOutput(truth.lateCandidates());
        String closingKey = MetricsGenerator.CLOSING_SERIES + "{partition=\"0\"}";
        MetricRollup closing = MetricRollup.newBuilder(
                        correct.cassandraMinutes().get(0))
                .setSeriesKey(closingKey)
                .build();
        List<MetricRollup> minutes = new ArrayList<>(correct.cassandraMinutes());
        minutes.add(closing);
        List<KeyedRollup> records = new ArrayList<>(correct.kafkaRollups());
        records.add(new KeyedRollup(closingKey, closing));

        MetricsVerifier.Report report = MetricsVerifier.compare(
                truth,
                new Output(minutes, correct.cassandraHours(), records, correct.deadLetters(), correct.late()),
                ROLLUPS,
                INPUT);

        assertThat(report.exact()).as(printed(report)).isTrue();
    }

    /** What a correct job writes when it routed exactly {@code routedLate} to the late topic. */
    private static Output correctOutput(Map<PointId, Integer> routedLate) {
        MetricsReference.Result expected = truth.applying(routedLate);
        List<MetricRollup> minutes = new ArrayList<>();
        List<MetricRollup> hours = new ArrayList<>();
        List<KeyedRollup> published = new ArrayList<>();
        expected.rollups().forEach((key, rollup) -> {
            ByteBuffer sketch = sketch(expected.samples().get(key), 1);
            (key.resolution().equals(BucketKey.MINUTE) ? minutes : hours).add(rollup(key, rollup, null, sketch));
            published.add(
                    new KeyedRollup(key.seriesKey(), rollup(key, rollup, seriesPoints.get(key.seriesKey()), sketch)));
        });
        List<DeadLetter> letters = new ArrayList<>();
        for (PointId conflict : expected.conflicts().keySet()) {
            ReferencePoint p = seriesPoints.get(conflict.seriesKey());
            MetricPoint original =
                    new ReferencePoint(p.name(), p.labels(), p.kind(), conflict.ts(), conflict.value()).toAvro();
            letters.add(deadLetter("CONFLICTING_SAMPLE", -1, POINTS.encode(original)));
        }
        expected.limited().forEach((id, times) -> {
            ReferencePoint p = seriesPoints.get(id.seriesKey());
            MetricPoint original = new ReferencePoint(p.name(), p.labels(), p.kind(), id.ts(), id.value()).toAvro();
            for (long i = 0; i < times; i++) {
                letters.add(deadLetter("SERIES_LIMIT", -1, POINTS.encode(original)));
            }
        });
        truth.deadLetters().forEach((reason, count) -> {
            for (long i = 0; i < count; i++) {
                letters.add(deadLetter(reason, 0, new byte[0]));
            }
        });
        List<MetricPoint> late = new ArrayList<>();
        routedLate.forEach((id, times) -> {
            ReferencePoint p = seriesPoints.get(id.seriesKey());
            for (int i = 0; i < times; i++) {
                late.add(new ReferencePoint(p.name(), p.labels(), p.kind(), id.ts(), id.value()).toAvro());
            }
        });
        List<MetricsVerifier.IndexRow> series = new ArrayList<>();
        List<MetricsVerifier.IndexRow> byLabel = new ArrayList<>();
        expected.rollups(BucketKey.MINUTE).keySet().stream()
                .map(BucketKey::seriesKey)
                .distinct()
                .forEach(key -> {
                    ReferencePoint p = seriesPoints.get(key);
                    series.add(new MetricsVerifier.IndexRow(p.name(), null, null, key, p.labels()));
                    p.labels()
                            .forEach((label, value) ->
                                    byLabel.add(new MetricsVerifier.IndexRow(p.name(), label, value, key, null)));
                });
        List<MetricsVerifier.RawRow> raw = new ArrayList<>();
        expected.raw().forEach((key, samples) -> {
            long[] ts = samples.ts().stream().mapToLong(Long::longValue).toArray();
            double[] values =
                    samples.values().stream().mapToDouble(Double::doubleValue).toArray();
            raw.add(new MetricsVerifier.RawRow(
                    key.seriesKey(),
                    key.bucketStart(),
                    expected.rollups().get(key).kind() == MetricKind.COUNTER,
                    ts.length,
                    PointsBlock.encode(ts, values, ts.length)));
        });
        return new Output(minutes, hours, published, letters, late)
                .withIndex(new MetricsVerifier.SeriesIndex(series, byLabel))
                .withRaw(raw);
    }

    /** A rollup record; {@code series} null: as read from Cassandra, without name and labels. */
    /** A DDSketch of the values, each times {@code scale}, in the standard encoding. */
    private static ByteBuffer sketch(double[] values, double scale) {
        DDSketch sketch = DDSketches.unboundedDense(0.01);
        for (double v : values) {
            sketch.accept(v * scale);
        }
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(out, false);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ByteBuffer.wrap(out.trimmedCopy());
    }

    private static MetricRollup rollup(BucketKey key, ExpectedRollup r, ReferencePoint series, ByteBuffer sketch) {
        return MetricRollup.newBuilder()
                .setSeriesKey(key.seriesKey())
                .setName(series == null ? "" : series.name())
                .setLabels(series == null ? Map.of() : series.labels())
                .setKind(r.kind())
                .setResolution(key.resolution())
                .setBucketStart(key.bucketStart())
                .setCount(r.count())
                .setSum(r.sum())
                .setMin(r.min())
                .setMax(r.max())
                .setFirst(r.first())
                .setFirstTs(r.firstTs())
                .setLast(r.last())
                .setLastTs(r.lastTs())
                .setIncrease(r.increase())
                .setResets(r.resets())
                .setSketch(sketch)
                .build();
    }

    private static DeadLetter deadLetter(String reason, int partition, byte[] original) {
        return DeadLetter.newBuilder()
                .setSourceTopic(INPUT)
                .setSourcePartition(partition)
                .setSourceOffset(partition)
                .setSourceTimestamp(0)
                .setReason(reason)
                .setDetail(reason)
                .setOriginal(ByteBuffer.wrap(original))
                .build();
    }

    private static Output withRollups(Output o, List<KeyedRollup> records) {
        return new Output(o.cassandraMinutes(), o.cassandraHours(), records, o.deadLetters(), o.late());
    }

    private static RecordCheck check(MetricsVerifier.Report report, String endsWith) {
        return report.checks().stream()
                .filter(c -> c.what().endsWith(endsWith))
                .findFirst()
                .orElseThrow();
    }

    private static String printed(MetricsVerifier.Report report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.print(new PrintStream(out, true));
        return out.toString();
    }
}
