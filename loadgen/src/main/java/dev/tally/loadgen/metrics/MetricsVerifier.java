package dev.tally.loadgen.metrics;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.metrics.MetricsTables;
import dev.tally.jobs.metrics.PointsBlock;
import dev.tally.jobs.metrics.functions.RawMinute;
import dev.tally.jobs.metrics.functions.SeriesIndexEntry;
import dev.tally.loadgen.Comparison;
import dev.tally.loadgen.RecordCheck;
import dev.tally.loadgen.TopicReader;
import dev.tally.loadgen.metrics.reference.AlertsReference;
import dev.tally.loadgen.metrics.reference.AlertsReference.ExpectedAlert;
import dev.tally.loadgen.metrics.reference.BucketKey;
import dev.tally.loadgen.metrics.reference.ExpectedRollup;
import dev.tally.loadgen.metrics.reference.MetricsReference;
import dev.tally.loadgen.metrics.reference.PointId;
import dev.tally.loadgen.metrics.reference.ReferencePoint;
import dev.tally.loadgen.metrics.reference.SentPoint;
import dev.tally.loadgen.metrics.reference.SeriesKey;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.metrics.AlertEvent;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.schema.metrics.MetricRollup;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Compares what the metrics job wrote (Cassandra rows of both resolutions, the committed rollups topic,
 * the dead letters) with the ground truth of the generated input. Exact: every bucket's final rollup,
 * field by field, in Cassandra and as the last record of its bucket on the rollups topic, and its
 * percentile sketch within its accuracy of the exact quantiles ({@link SketchCheck}); one
 * CONFLICTING_SAMPLE dead letter per conflicting value; one SERIES_LIMIT dead letter per point of a series
 * over its name's limit in its hour; the other dead letters by reason; given the
 * points the job routed to the late topic, which must all be late candidates the job may have found
 * late; with an alerts topic, every alert event of the episodes' rules ({@link AlertsReference}); the series index
 * (each series with data under its name and each label value); the raw minutes (each minute's samples). The closing points' series ({@value MetricsGenerator#CLOSING_SERIES}) are no data and ignored.
 * The only class of the metrics tools that reads the job's table definitions.
 */
public final class MetricsVerifier {

    static final String CONFLICTING_SAMPLE = "CONFLICTING_SAMPLE";
    static final String SERIES_LIMIT = "SERIES_LIMIT";

    /** Where the job's results are; a null {@code alertsTopic}: the job ran without the episodes' alert rules. */
    public record Target(
            KafkaClients kafka,
            String inputTopic,
            String rollupsTopic,
            String alertsTopic,
            CqlSession session,
            String keyspace) {

        public Target(KafkaClients kafka, String inputTopic, String rollupsTopic, CqlSession session, String keyspace) {
            this(kafka, inputTopic, rollupsTopic, null, session, keyspace);
        }
    }

    /** A rollup record as read from Kafka, with its key. */
    record KeyedRollup(String key, MetricRollup rollup) {}

    /** What the job wrote, decoded; records of the topics that do not decode are null. */
    record Output(
            List<MetricRollup> cassandraMinutes,
            List<MetricRollup> cassandraHours,
            List<KeyedRollup> kafkaRollups,
            List<DeadLetter> deadLetters,
            List<MetricPoint> late,
            Alerts alerts,
            SeriesIndex index,
            List<RawRow> raw) {

        /** Without alerts, the series index and the raw minutes (not compared). */
        Output(
                List<MetricRollup> cassandraMinutes,
                List<MetricRollup> cassandraHours,
                List<KeyedRollup> kafkaRollups,
                List<DeadLetter> deadLetters,
                List<MetricPoint> late) {
            this(cassandraMinutes, cassandraHours, kafkaRollups, deadLetters, late, null, null, null);
        }

        Output withIndex(SeriesIndex index) {
            return new Output(cassandraMinutes, cassandraHours, kafkaRollups, deadLetters, late, alerts, index, raw);
        }

        Output withRaw(List<RawRow> raw) {
            return new Output(cassandraMinutes, cassandraHours, kafkaRollups, deadLetters, late, alerts, index, raw);
        }
    }

    /** The series index as read: the rows of {@code metric_series} and of {@code metric_series_by_label}. */
    record SeriesIndex(List<IndexRow> series, List<IndexRow> byLabel) {}

    /** A row of either index table: a series' own ({@code label} and {@code value} null) or a label value's. */
    record IndexRow(String name, String label, String value, String seriesKey, Map<String, String> labels) {}

    /**
     * A row of {@code metric_raw_minutes} as read: a series-minute's kind, sample count and packed samples
     * (the job's {@code RawMinute}, in a type of the verifier's own).
     */
    record RawRow(String seriesKey, long minute, boolean counter, int count, byte[] points) {}

    /** The alert events the job wrote: the committed alerts topic, and Cassandra's history and latest states. */
    record Alerts(String topic, List<AlertEvent> kafka, List<AlertEvent> history, List<AlertEvent> state) {}

    /** The verdict: a comparison per output, the per-record checks, and the dead-letter and late tallies. */
    public record Report(
            List<Comparison> comparisons,
            List<RecordCheck> checks,
            long deadLetters,
            Map<String, Long> deadLetterReasons,
            long lateRecords,
            ExpectedMetrics.Totals sent,
            MetricsReference.Totals expected) {

        public boolean exact() {
            return comparisons.stream().allMatch(Comparison::exact)
                    && checks.stream().allMatch(RecordCheck::passed);
        }

        /** The comparison named {@code what}. */
        public Comparison comparison(String what) {
            return comparisons.stream()
                    .filter(c -> c.what().equals(what))
                    .findFirst()
                    .orElseThrow();
        }

        public void print(PrintStream out) {
            out.printf("%-52s %10s %8s %8s %8s%n", "OUTPUT", "MATCHED", "MISSING", "EXTRA", "WRONG");
            for (Comparison c : comparisons) {
                out.printf("%-52s %10d %8d %8d %8d%n", c.what(), c.matched(), c.missing(), c.extra(), c.wrong());
                c.examples().forEach(e -> out.println("    " + e));
            }
            out.printf("%-52s %10s %8s%n", "CHECK", "RECORDS", "FAILED");
            for (RecordCheck c : checks) {
                out.printf("%-52s %10d %8d%n", c.what(), c.checked(), c.failed());
                c.examples().forEach(e -> out.println("    " + e));
            }
            out.printf(
                    "sent: %d records: %d valid points, %d records to dead-letter, %d closing points%n",
                    sent.records(), sent.points(), sent.deadLetters(), sent.closing());
            out.printf(
                    "expected: %d points applied, %d over the series limit, %d samples, %d duplicates, %d conflicting values%n",
                    expected.applied(),
                    expected.limited(),
                    expected.samples(),
                    expected.duplicates(),
                    expected.conflicts());
            out.printf("dead letters: %d %s%n", deadLetters, deadLetterReasons);
            out.printf(
                    "late: %d points routed to the late topic of %d late candidates; the job applied the other %d, its watermark"
                            + " not yet past them, and so does the expectation%n",
                    lateRecords, sent.lateCandidates(), sent.lateCandidates() - expected.routedLate());
            out.println(exact() ? "RESULT: EXACT MATCH" : "RESULT: MISMATCH");
        }
    }

    private MetricsVerifier() {}

    public static Report verify(ExpectedMetrics truth, Target target) {
        Output output = new Output(
                cassandra(target, MetricsTables.MINUTE_ROLLUPS),
                cassandra(target, MetricsTables.HOUR_ROLLUPS),
                kafkaRollups(target),
                deadLetters(target),
                latePoints(target),
                target.alertsTopic() == null ? null : alerts(target),
                new SeriesIndex(
                        indexRows(target, MetricsTables.SERIES), indexRows(target, MetricsTables.SERIES_BY_LABEL)),
                rawRows(target));
        return compare(truth, output, target.rollupsTopic(), target.inputTopic());
    }

    /**
     * The rollup and raw-minute tables of a replay's keyspace (or of the live one after a promote) against
     * the reference with every point applied (a replay counts the points the live run found late), over
     * the buckets wholly inside [from, to); a row of any other bucket is extra.
     */
    public static List<Comparison> verifyReplay(
            ExpectedMetrics truth, CqlSession session, String keyspace, long from, long to) {
        Target target = new Target(null, null, null, session, keyspace);
        MetricsReference.Result expected = truth.applying(Map.of());
        List<Comparison> comparisons = new ArrayList<>();
        for (String resolution : List.of(BucketKey.MINUTE, BucketKey.HOUR)) {
            boolean minutes = resolution.equals(BucketKey.MINUTE);
            List<MetricRollup> rows =
                    cassandra(target, minutes ? MetricsTables.MINUTE_ROLLUPS : MetricsTables.HOUR_ROLLUPS);
            String table = minutes ? "metric_rollups_1m" : "metric_rollups_1h";
            comparisons.add(Comparison.of(
                    "replay cassandra " + table,
                    inRange(expected.rollups(resolution), from, to),
                    byBucket(rows, resolution)));
        }
        // A block that does not decode to its count is left out, so it counts as missing.
        Map<BucketKey, MetricsReference.RawSamples> raw =
                rawSamples(rawRows(target), new RecordCheck.Builder("replay cassandra metric_raw_minutes blocks"));
        comparisons.add(Comparison.of("replay cassandra metric_raw_minutes", inRange(expected.raw(), from, to), raw));
        return comparisons;
    }

    /** What a consumer of the rollups topic holds after a promote: see {@link #verifyPromotedTopic}. */
    public record TopicReport(Comparison latest, List<RecordCheck> checks) {

        public boolean exact() {
            return latest.exact() && checks.stream().allMatch(RecordCheck::passed);
        }
    }

    /**
     * The rollups topic after a promote published its corrections: each bucket's last record against the
     * reference with every point applied over the buckets wholly inside [from, to) (a record of any other
     * bucket is extra), and every record checked as in {@link #verify} (keyed by its series, name and
     * labels giving its key, sketches within 1%).
     */
    public static TopicReport verifyPromotedTopic(
            ExpectedMetrics truth, KafkaClients kafka, String rollupsTopic, long from, long to) {
        MetricsReference.Result expected = truth.applying(Map.of());
        List<RecordCheck> checks = new ArrayList<>();
        SketchCheck sketches = new SketchCheck("kafka " + rollupsTopic + " sketch quantiles within 1%");
        Map<BucketKey, ExpectedRollup> last = lastPerBucket(
                kafkaRollups(new Target(kafka, null, rollupsTopic, null, null)), rollupsTopic, checks, sketches);
        checks.add(sketches.against(expected.samples()));
        Map<BucketKey, ExpectedRollup> reference = new HashMap<>();
        for (String resolution : List.of(BucketKey.MINUTE, BucketKey.HOUR)) {
            reference.putAll(expected.rollups(resolution));
        }
        return new TopicReport(
                Comparison.of(
                        "kafka " + rollupsTopic + " latest per bucket after the promote",
                        inRange(reference, from, to),
                        last),
                checks);
    }

    /** The entries of buckets wholly inside [from, to). */
    private static <V> Map<BucketKey, V> inRange(Map<BucketKey, V> buckets, long from, long to) {
        Map<BucketKey, V> inRange = new HashMap<>();
        buckets.forEach((k, v) -> {
            long size = k.resolution().equals(BucketKey.MINUTE) ? 60_000L : 3_600_000L;
            if (k.bucketStart() >= from && k.bucketStart() + size <= to) {
                inRange.put(k, v);
            }
        });
        return inRange;
    }

    /** The comparison of what the job wrote with the truth: everything but the reading. */
    static Report compare(ExpectedMetrics truth, Output output, String rollupsTopic, String inputTopic) {
        List<RecordCheck> checks = new ArrayList<>();
        Map<PointId, Integer> routedLate = routedLate(truth, output.late(), Topics.late(inputTopic), checks);
        MetricsReference.Result expected = truth.applying(routedLate);

        List<Comparison> comparisons = new ArrayList<>();
        for (String resolution : List.of(BucketKey.MINUTE, BucketKey.HOUR)) {
            List<MetricRollup> rows =
                    resolution.equals(BucketKey.MINUTE) ? output.cassandraMinutes() : output.cassandraHours();
            String table = resolution.equals(BucketKey.MINUTE) ? "metric_rollups_1m" : "metric_rollups_1h";
            comparisons.add(
                    Comparison.of("cassandra " + table, expected.rollups(resolution), byBucket(rows, resolution)));
            SketchCheck sketches = new SketchCheck("cassandra " + table + " sketch quantiles within 1%");
            for (MetricRollup r : rows) {
                sketches.add(new BucketKey(r.getSeriesKey(), resolution, r.getBucketStart()), r.getSketch());
            }
            checks.add(sketches.against(expected.samples()));
        }
        SketchCheck publishedSketches = new SketchCheck("kafka " + rollupsTopic + " sketch quantiles within 1%");
        Map<BucketKey, ExpectedRollup> published =
                lastPerBucket(output.kafkaRollups(), rollupsTopic, checks, publishedSketches);
        checks.add(publishedSketches.against(expected.samples()));
        for (String resolution : List.of(BucketKey.MINUTE, BucketKey.HOUR)) {
            Map<BucketKey, ExpectedRollup> some = new HashMap<>();
            published.forEach((k, v) -> {
                if (k.resolution().equals(resolution)) {
                    some.put(k, v);
                }
            });
            comparisons.add(
                    Comparison.of("kafka " + rollupsTopic + " " + resolution, expected.rollups(resolution), some));
        }

        String dlq = Topics.deadLetter(inputTopic);
        // The dead letters the job makes of single points (a conflicting value, a series over its limit):
        // each holds a point and no source position.
        Map<String, Map<PointId, Long>> pointLetters = new TreeMap<>();
        pointLetters.put(CONFLICTING_SAMPLE, new HashMap<>());
        pointLetters.put(SERIES_LIMIT, new HashMap<>());
        Map<String, Long> otherReasons = new TreeMap<>();
        Map<String, Long> allReasons = new TreeMap<>();
        RecordCheck.Builder pointSource =
                new RecordCheck.Builder("kafka " + dlq + " conflicts and series limit at partition/offset -1");
        RecordCheck.Builder pointOriginal =
                new RecordCheck.Builder("kafka " + dlq + " conflicts and series limit hold a MetricPoint");
        AvroCodec<MetricPoint> points = AvroCodec.of(MetricPoint.class);
        for (DeadLetter d : output.deadLetters()) {
            String reason = d == null ? "(not a DeadLetter)" : d.getReason();
            allReasons.merge(reason, 1L, Long::sum);
            Map<PointId, Long> tally = pointLetters.get(reason);
            if (tally == null) {
                otherReasons.merge(reason, 1L, Long::sum);
                continue;
            }
            pointSource.check(
                    d.getSourcePartition() == -1 && d.getSourceOffset() == -1,
                    () -> "partition " + d.getSourcePartition() + ", offset " + d.getSourceOffset() + ": "
                            + d.getDetail());
            MetricPoint original = decodeOrNull(points, bytes(d.getOriginal()));
            pointOriginal.check(original != null, () -> "undecodable original: " + d.getDetail());
            if (original != null && !isClosing(SeriesKey.of(original.getName(), original.getLabels()))) {
                tally.merge(ReferencePoint.of(original).id(), 1L, Long::sum);
            }
        }
        checks.add(pointSource.build());
        checks.add(pointOriginal.build());
        comparisons.add(Comparison.of(
                "kafka " + dlq + " " + CONFLICTING_SAMPLE, expected.conflicts(), pointLetters.get(CONFLICTING_SAMPLE)));
        comparisons.add(
                Comparison.of("kafka " + dlq + " " + SERIES_LIMIT, expected.limited(), pointLetters.get(SERIES_LIMIT)));
        comparisons.add(Comparison.of("kafka " + dlq + " other reasons", truth.deadLetters(), otherReasons));
        if (output.alerts() != null) {
            compareAlerts(truth, output.alerts(), comparisons, checks);
        }
        if (output.index() != null) {
            compareIndex(truth, expected, output.index(), comparisons);
        }
        if (output.raw() != null) {
            compareRaw(expected, output.raw(), comparisons, checks);
        }

        return new Report(
                comparisons,
                checks,
                output.deadLetters().size(),
                allReasons,
                output.late().size(),
                truth.totals(),
                expected.totals());
    }

    /**
     * The series index against the series with data (a minute rollup) in the reference: each under its
     * name with all its labels, and under each of its labels' values; no other.
     */
    private static void compareIndex(
            ExpectedMetrics truth, MetricsReference.Result expected, SeriesIndex index, List<Comparison> comparisons) {
        Map<String, ReferencePoint> pointOfSeries = new HashMap<>();
        truth.points().forEach(s -> pointOfSeries.putIfAbsent(s.point().seriesKey(), s.point()));
        Map<String, Map<String, String>> series = new HashMap<>();
        Map<String, String> byLabel = new HashMap<>();
        for (BucketKey bucket : expected.rollups(BucketKey.MINUTE).keySet()) {
            ReferencePoint p = pointOfSeries.get(bucket.seriesKey());
            if (series.put(p.name() + " " + p.seriesKey(), p.labels()) == null) {
                p.labels()
                        .forEach((label, value) ->
                                byLabel.put(p.name() + " " + label + "=" + value + " " + p.seriesKey(), "indexed"));
            }
        }
        Map<String, Map<String, String>> seriesRows = new HashMap<>();
        for (IndexRow r : index.series()) {
            if (!isClosing(r.seriesKey())) {
                seriesRows.put(r.name() + " " + r.seriesKey(), r.labels());
            }
        }
        Map<String, String> labelRows = new HashMap<>();
        for (IndexRow r : index.byLabel()) {
            if (!isClosing(r.seriesKey())) {
                labelRows.put(r.name() + " " + r.label() + "=" + r.value() + " " + r.seriesKey(), "indexed");
            }
        }
        comparisons.add(Comparison.of("cassandra metric_series", series, seriesRows));
        comparisons.add(Comparison.of("cassandra metric_series_by_label", byLabel, labelRows));
    }

    /**
     * The raw minutes against the reference's samples of each minute: every minute with a sample has its
     * row, of its kind, holding exactly its samples in {@code ts} order, each value bit for bit; the row's
     * count is its block's.
     */
    private static void compareRaw(
            MetricsReference.Result expected,
            List<RawRow> rows,
            List<Comparison> comparisons,
            List<RecordCheck> checks) {
        RecordCheck.Builder blocks =
                new RecordCheck.Builder("cassandra metric_raw_minutes blocks decode to count samples");
        Map<BucketKey, MetricsReference.RawSamples> actual = rawSamples(rows, blocks);
        checks.add(blocks.build());
        comparisons.add(Comparison.of("cassandra metric_raw_minutes", expected.raw(), actual));
    }

    /**
     * The samples of each raw row but the closing series', checked in {@code blocks}: its block decodes
     * to its count of samples. A row that fails is left out.
     */
    private static Map<BucketKey, MetricsReference.RawSamples> rawSamples(
            List<RawRow> rows, RecordCheck.Builder blocks) {
        Map<BucketKey, MetricsReference.RawSamples> actual = new HashMap<>();
        for (RawRow row : rows) {
            if (isClosing(row.seriesKey())) {
                continue;
            }
            PointsBlock.Points points;
            try {
                points = PointsBlock.decode(row.points());
            } catch (IllegalArgumentException e) {
                blocks.check(false, () -> row.seriesKey() + " @" + row.minute() + ": " + e.getMessage());
                continue;
            }
            boolean counted = points.size() == row.count();
            blocks.check(
                    counted,
                    () -> row.seriesKey() + " @" + row.minute() + ": count " + row.count() + ", " + points.size()
                            + " samples");
            if (!counted) {
                continue;
            }
            List<Long> ts = new ArrayList<>(points.size());
            List<Double> values = new ArrayList<>(points.size());
            for (int i = 0; i < points.size(); i++) {
                ts.add(points.ts()[i]);
                values.add(points.values()[i]);
            }
            actual.put(
                    new BucketKey(row.seriesKey(), BucketKey.MINUTE, row.minute()),
                    new MetricsReference.RawSamples(row.counter() ? MetricKind.COUNTER : MetricKind.GAUGE, ts, values));
        }
        return actual;
    }

    /**
     * The alert events against {@link AlertsReference} on the episodes' points with {@link AlertEpisodes#RULES}:
     * every event once on the topic and in the history, and each alert's last event as its latest state.
     */
    private static void compareAlerts(
            ExpectedMetrics truth, Alerts alerts, List<Comparison> comparisons, List<RecordCheck> checks) {
        AlertsReference.Result expected = AlertsReference.compute(AlertEpisodes.RULES, truth.points());
        Set<String> quantileRules = new HashSet<>();
        AlertEpisodes.RULES.stream()
                .filter(r -> r.aggregation().equals("quantile"))
                .forEach(r -> quantileRules.add(r.alert()));
        RecordCheck.Builder within = new RecordCheck.Builder("alert values of quantile rules within 1% of the exact");
        RecordCheck.Builder once = new RecordCheck.Builder("kafka " + alerts.topic() + " each event once");
        Map<String, ExpectedAlert> published = new HashMap<>();
        for (AlertEvent e : alerts.kafka()) {
            once.check(
                    e != null && e.getId() != null && published.put(e.getId(), expectedAlert(e, e.getId())) == null,
                    () -> e == null
                            ? "a record that is not an AlertEvent"
                            : "id " + e.getId() + " again or missing: " + e);
        }
        checks.add(once.build());
        comparisons.add(Comparison.of(
                "kafka " + alerts.topic(),
                expected.events(),
                approximate(published, expected.events(), quantileRules, within)));
        Map<String, ExpectedAlert> history = new HashMap<>();
        alerts.history().forEach(e -> history.put(e.getId(), expectedAlert(e, e.getId())));
        comparisons.add(Comparison.of(
                "cassandra alert_history",
                expected.events(),
                approximate(history, expected.events(), quantileRules, within)));
        Map<String, ExpectedAlert> state = new HashMap<>();
        alerts.state().forEach(e -> state.put(expectedAlert(e, null).alertKey(), expectedAlert(e, null)));
        comparisons.add(Comparison.of(
                "cassandra alert_state",
                expected.latest(),
                approximate(state, expected.latest(), quantileRules, within)));
        checks.add(within.build());
    }

    /**
     * The events with a quantile rule's value (the job's, from percentile sketches) within 1% of the
     * reference's exact one given the reference's value, so the comparison checks every other field exactly.
     */
    private static Map<String, ExpectedAlert> approximate(
            Map<String, ExpectedAlert> actual,
            Map<String, ExpectedAlert> expected,
            Set<String> quantileRules,
            RecordCheck.Builder within) {
        Map<String, ExpectedAlert> result = new HashMap<>();
        actual.forEach((key, a) -> {
            ExpectedAlert e = expected.get(key);
            if (e != null && quantileRules.contains(a.alert())) {
                boolean close = Math.abs(a.value() - e.value())
                        <= SketchCheck.RELATIVE_ACCURACY * (1 + 1e-9) * Math.abs(e.value());
                within.check(close, () -> key + ": " + a.value() + " against the exact " + e.value());
                result.put(key, close ? a.withValue(e.value()) : a);
            } else {
                result.put(key, a);
            }
        });
        return result;
    }

    private static ExpectedAlert expectedAlert(AlertEvent e, String id) {
        return new ExpectedAlert(
                id,
                e.getAlert(),
                e.getLabels(),
                e.getState(),
                e.getSeverity(),
                e.getValue(),
                e.getThreshold(),
                e.getActiveSince(),
                e.getTs());
    }

    private static Alerts alerts(Target target) {
        AvroCodec<AlertEvent> codec = AvroCodec.of(AlertEvent.class);
        List<AlertEvent> kafka = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(target.kafka(), target.alertsTopic())) {
            kafka.add(decodeOrNull(codec, r.value()));
        }
        return new Alerts(
                target.alertsTopic(),
                kafka,
                cassandra(target, MetricsTables.ALERT_HISTORY),
                cassandra(target, MetricsTables.ALERT_STATE));
    }

    /**
     * The points of the late topic, each checked to be a late candidate (as many times as it was sent as
     * one, no more) and one the job may have found late, by the Kafka timestamp it was sent with.
     */
    private static Map<PointId, Integer> routedLate(
            ExpectedMetrics truth, List<MetricPoint> late, String lateTopic, List<RecordCheck> checks) {
        Map<PointId, Integer> candidates = new HashMap<>(truth.lateCandidates());
        Map<PointId, Long> sentAt = new HashMap<>();
        for (SentPoint s : truth.points()) {
            if (s.lateCandidate()) {
                sentAt.merge(s.point().id(), s.kafkaTimestamp(), Math::max);
            }
        }
        Map<PointId, Integer> routed = new HashMap<>();
        RecordCheck.Builder decodes = new RecordCheck.Builder("kafka " + lateTopic + " records are MetricPoints");
        RecordCheck.Builder onlyCandidates = new RecordCheck.Builder("kafka " + lateTopic + " only late candidates");
        RecordCheck.Builder couldBeLate =
                new RecordCheck.Builder("kafka " + lateTopic + " past their minute's lateness");
        for (MetricPoint p : late) {
            decodes.check(p != null, () -> "a record that does not decode");
            if (p == null) {
                continue;
            }
            ReferencePoint point = ReferencePoint.of(p);
            PointId id = point.id();
            if (isClosing(id.seriesKey())) {
                continue;
            }
            routed.merge(id, 1, Integer::sum);
            boolean candidate = candidates.merge(id, -1, Integer::sum) >= 0;
            onlyCandidates.check(
                    candidate, () -> "routed to the late topic more often than sent as a late candidate: " + id);
            if (candidate) {
                long front = sentAt.get(id);
                couldBeLate.check(
                        MetricsReference.couldBeLate(id.ts(), front, truth.allowedLateness()),
                        () -> "the newest ts when it was sent was " + front + ", before its minute's lateness: " + id);
            }
        }
        checks.add(decodes.build());
        checks.add(onlyCandidates.build());
        checks.add(couldBeLate.build());
        return routed;
    }

    /** The last record of each bucket (one series' records share a key, so a partition, so their order), each checked. */
    static Map<BucketKey, ExpectedRollup> lastPerBucket(
            List<KeyedRollup> records, String topic, List<RecordCheck> checks, SketchCheck sketches) {
        RecordCheck.Builder decodes = new RecordCheck.Builder("kafka " + topic + " records are MetricRollups");
        RecordCheck.Builder keys = new RecordCheck.Builder("kafka " + topic + " keyed by series_key");
        RecordCheck.Builder names = new RecordCheck.Builder("kafka " + topic + " name and labels give series_key");
        RecordCheck.Builder buckets = new RecordCheck.Builder("kafka " + topic + " 1m/1h buckets on their boundary");
        Map<BucketKey, ExpectedRollup> last = new HashMap<>();
        for (KeyedRollup k : records) {
            MetricRollup r = k.rollup();
            decodes.check(r != null, () -> "a record that does not decode, key " + k.key());
            if (r == null || isClosing(r.getSeriesKey())) {
                continue;
            }
            keys.check(
                    r.getSeriesKey().equals(k.key()), () -> "key " + k.key() + " of a rollup of " + r.getSeriesKey());
            names.check(
                    SeriesKey.of(r.getName(), r.getLabels()).equals(r.getSeriesKey()),
                    () -> r.getName() + " " + r.getLabels() + " in a rollup of " + r.getSeriesKey());
            long size = r.getResolution().equals(BucketKey.MINUTE)
                    ? 60_000L
                    : r.getResolution().equals(BucketKey.HOUR) ? 3_600_000L : 0;
            buckets.check(
                    size > 0 && Math.floorMod(r.getBucketStart(), size) == 0,
                    () -> r.getResolution() + " bucket at " + r.getBucketStart() + " of " + r.getSeriesKey());
            BucketKey bucket = new BucketKey(r.getSeriesKey(), r.getResolution(), r.getBucketStart());
            last.put(bucket, ExpectedRollup.of(r));
            sketches.add(bucket, r.getSketch());
        }
        checks.add(decodes.build());
        checks.add(keys.build());
        checks.add(names.build());
        checks.add(buckets.build());
        return last;
    }

    /** Rows of one table by bucket, the closing series left out. */
    private static Map<BucketKey, ExpectedRollup> byBucket(List<MetricRollup> rows, String resolution) {
        Map<BucketKey, ExpectedRollup> actual = new HashMap<>();
        for (MetricRollup r : rows) {
            if (!isClosing(r.getSeriesKey())) {
                actual.put(new BucketKey(r.getSeriesKey(), resolution, r.getBucketStart()), ExpectedRollup.of(r));
            }
        }
        return actual;
    }

    static boolean isClosing(String seriesKey) {
        return SeriesKey.isOf(seriesKey, MetricsGenerator.CLOSING_SERIES);
    }

    private static <T> List<T> cassandra(Target target, ResultTable<T> table) {
        List<T> rows = new ArrayList<>();
        for (Row row : target.session()
                .execute(SimpleStatement.newInstance(table.selectCql(target.keyspace()))
                        .setPageSize(5000))) {
            rows.add(table.read(row));
        }
        return rows;
    }

    private static List<RawRow> rawRows(Target target) {
        List<RawRow> rows = new ArrayList<>();
        for (RawMinute r : cassandra(target, MetricsTables.RAW_MINUTES)) {
            rows.add(new RawRow(r.seriesKey, r.minute, r.counter, r.count, r.points));
        }
        return rows;
    }

    private static List<IndexRow> indexRows(Target target, ResultTable<SeriesIndexEntry> table) {
        return cassandra(target, table).stream()
                .map(e -> new IndexRow(e.name, e.label, e.value, e.seriesKey, e.labels))
                .toList();
    }

    private static List<KeyedRollup> kafkaRollups(Target target) {
        AvroCodec<MetricRollup> codec = AvroCodec.of(MetricRollup.class);
        List<KeyedRollup> records = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(target.kafka(), target.rollupsTopic())) {
            records.add(new KeyedRollup(
                    r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                    decodeOrNull(codec, r.value())));
        }
        return records;
    }

    private static List<DeadLetter> deadLetters(Target target) {
        AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class);
        List<DeadLetter> letters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                TopicReader.readCommitted(target.kafka(), Topics.deadLetter(target.inputTopic()))) {
            letters.add(decodeOrNull(codec, r.value()));
        }
        return letters;
    }

    private static List<MetricPoint> latePoints(Target target) {
        AvroCodec<MetricPoint> codec = AvroCodec.of(MetricPoint.class);
        List<MetricPoint> points = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
                TopicReader.readCommitted(target.kafka(), Topics.late(target.inputTopic()))) {
            points.add(decodeOrNull(codec, r.value()));
        }
        return points;
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decodeOrNull(
            AvroCodec<T> codec, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (AvroDecodeException e) {
            return null;
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }
}
