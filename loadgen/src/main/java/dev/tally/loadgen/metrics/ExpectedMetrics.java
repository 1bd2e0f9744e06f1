package dev.tally.loadgen.metrics;

import dev.tally.loadgen.metrics.reference.BucketKey;
import dev.tally.loadgen.metrics.reference.ExpectedRollup;
import dev.tally.loadgen.metrics.reference.MetricsReference;
import dev.tally.loadgen.metrics.reference.PointId;
import dev.tally.loadgen.metrics.reference.ReferencePoint;
import dev.tally.loadgen.metrics.reference.SentPoint;
import dev.tally.schema.metrics.MetricKind;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ground truth of a generated metric-point stream, as {@code tally loadgen metrics --truth} writes it
 * and {@code tally verify metrics} reads it: every valid point sent (with its Kafka timestamp and whether
 * it is a late candidate), the dead letters the job must write by reason, what the generator sent, and,
 * for people reading the file, the rollups, conflicts and points over the series limit expected when the job routes every late
 * candidate to the late topic.
 *
 * <p>Whether the job routes a late candidate to the late topic depends on its watermark at the time,
 * which a source reading one partition ahead of another holds back: the verifier takes the points the
 * late topic holds, and {@link #applying} gives the expectation with the others applied.
 *
 * <p>The file is tab-separated, one line per fact, in an order a seed always repeats; text fields escape
 * {@code \}, tab, line feed and carriage return with a backslash:
 * <pre>
 * S  allowed_lateness_ms  records  points  late_candidates  dead_letters  closing_points  max_series_per_name
 * D  reason  count                                                   dead letters of the input records, by reason
 * P  kafka_ts  late_candidate(0|1)  name  kind(-|GAUGE|COUNTER)  ts  value  [label_key  label_value]...
 *                                                                     every valid point, in the order sent
 * R  series_key  resolution  bucket_start  kind  count  sum  min  max  first  first_ts  last  last_ts  increase(-)  resets(-)
 *                                                                     every rollup when all late candidates are routed late
 * X  series_key  ts  value                                           every CONFLICTING_SAMPLE dead letter, likewise
 * L  series_key  ts  value  count                                    every SERIES_LIMIT dead letter, likewise
 * </pre>
 * Times are epoch milliseconds; values are Java's shortest exact decimal form.
 */
public record ExpectedMetrics(
        Duration allowedLateness,
        int maxSeriesPerName,
        List<SentPoint> points,
        Map<String, Long> deadLetters,
        Totals totals,
        Map<BucketKey, ExpectedRollup> rollups,
        Map<PointId, Long> conflicts,
        Map<PointId, Long> limited) {

    private static final Comparator<BucketKey> BUCKET_ORDER = Comparator.comparing(BucketKey::seriesKey)
            .thenComparing(BucketKey::resolution)
            .thenComparingLong(BucketKey::bucketStart);
    private static final Comparator<PointId> POINT_ORDER = Comparator.comparing(PointId::seriesKey)
            .thenComparingLong(PointId::ts)
            .thenComparingDouble(PointId::value);

    public ExpectedMetrics {
        points = List.copyOf(points);
        deadLetters = new TreeMap<>(deadLetters);
        rollups = Map.copyOf(rollups);
        conflicts = Map.copyOf(conflicts);
        limited = Map.copyOf(limited);
    }

    /**
     * What the generator sent.
     *
     * @param records every record, closing points included
     * @param points valid points (on time, delayed, re-sent, conflicting and late candidates)
     * @param lateCandidates valid points sent so far behind that the job may route them to the late topic
     * @param deadLetters records the job must dead-letter for their bytes or fields
     * @param closing closing points, one per input partition
     */
    public record Totals(long records, long points, long lateCandidates, long deadLetters, long closing) {}

    /** The truth of these points, with the expectation when every late candidate is routed late. */
    static ExpectedMetrics of(
            Duration allowedLateness,
            int maxSeriesPerName,
            List<SentPoint> points,
            Map<String, Long> deadLetters,
            Totals totals) {
        MetricsReference.Result allLate =
                MetricsReference.compute(points, MetricsReference.lateCandidates(points), maxSeriesPerName);
        return new ExpectedMetrics(
                allowedLateness,
                maxSeriesPerName,
                points,
                deadLetters,
                totals,
                allLate.rollups(),
                allLate.conflicts(),
                allLate.limited());
    }

    /** The late candidates, with how many times each was sent. */
    public Map<PointId, Integer> lateCandidates() {
        return MetricsReference.lateCandidates(points);
    }

    /** The expectation when the job routed exactly these points to the late topic (how many times each). */
    public MetricsReference.Result applying(Map<PointId, Integer> routedLate) {
        return MetricsReference.compute(points, routedLate, maxSeriesPerName);
    }

    public void write(Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            Totals t = totals;
            line(
                    out,
                    "S",
                    allowedLateness.toMillis(),
                    t.records(),
                    t.points(),
                    t.lateCandidates(),
                    t.deadLetters(),
                    t.closing(),
                    maxSeriesPerName);
            for (Map.Entry<String, Long> e : deadLetters.entrySet()) {
                line(out, "D", e.getKey(), e.getValue());
            }
            for (SentPoint s : points) {
                ReferencePoint p = s.point();
                List<Object> fields = new ArrayList<>(List.of(
                        s.kafkaTimestamp(),
                        s.lateCandidate() ? 1 : 0,
                        p.name(),
                        p.kind() == null ? "-" : p.kind().name(),
                        p.ts(),
                        p.value()));
                new TreeMap<>(p.labels()).forEach((k, v) -> {
                    fields.add(k);
                    fields.add(v);
                });
                line(out, "P", fields.toArray());
            }
            for (BucketKey key : rollups.keySet().stream().sorted(BUCKET_ORDER).toList()) {
                ExpectedRollup r = rollups.get(key);
                line(
                        out,
                        "R",
                        key.seriesKey(),
                        key.resolution(),
                        key.bucketStart(),
                        r.kind().name(),
                        r.count(),
                        r.sum(),
                        r.min(),
                        r.max(),
                        r.first(),
                        r.firstTs(),
                        r.last(),
                        r.lastTs(),
                        r.increase() == null ? "-" : r.increase(),
                        r.resets() == null ? "-" : r.resets());
            }
            for (PointId id : conflicts.keySet().stream().sorted(POINT_ORDER).toList()) {
                line(out, "X", id.seriesKey(), id.ts(), id.value());
            }
            for (PointId id : limited.keySet().stream().sorted(POINT_ORDER).toList()) {
                line(out, "L", id.seriesKey(), id.ts(), id.value(), limited.get(id));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ExpectedMetrics read(Path file) {
        Duration lateness = null;
        int maxSeriesPerName = 0;
        Totals totals = null;
        Map<String, Long> deadLetters = new TreeMap<>();
        List<SentPoint> points = new ArrayList<>();
        Map<BucketKey, ExpectedRollup> rollups = new HashMap<>();
        Map<PointId, Long> conflicts = new HashMap<>();
        Map<PointId, Long> limited = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = fields(line);
                switch (f[0]) {
                    case "S" -> {
                        lateness = Duration.ofMillis(Long.parseLong(f[1]));
                        totals = new Totals(
                                Long.parseLong(f[2]),
                                Long.parseLong(f[3]),
                                Long.parseLong(f[4]),
                                Long.parseLong(f[5]),
                                Long.parseLong(f[6]));
                        maxSeriesPerName = Integer.parseInt(f[7]);
                    }
                    case "D" -> deadLetters.put(f[1], Long.parseLong(f[2]));
                    case "P" -> points.add(point(f));
                    case "R" ->
                        rollups.put(
                                new BucketKey(f[1], f[2], Long.parseLong(f[3])),
                                new ExpectedRollup(
                                        MetricKind.valueOf(f[4]),
                                        Long.parseLong(f[5]),
                                        Double.parseDouble(f[6]),
                                        Double.parseDouble(f[7]),
                                        Double.parseDouble(f[8]),
                                        Double.parseDouble(f[9]),
                                        Long.parseLong(f[10]),
                                        Double.parseDouble(f[11]),
                                        Long.parseLong(f[12]),
                                        f[13].equals("-") ? null : Double.parseDouble(f[13]),
                                        f[14].equals("-") ? null : Long.parseLong(f[14])));
                    case "X" -> conflicts.put(new PointId(f[1], Long.parseLong(f[2]), Double.parseDouble(f[3])), 1L);
                    case "L" ->
                        limited.put(
                                new PointId(f[1], Long.parseLong(f[2]), Double.parseDouble(f[3])),
                                Long.parseLong(f[4]));
                    default -> throw new IllegalArgumentException("Not a metrics truth file line: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (totals == null) {
            throw new IllegalArgumentException(file + " has no summary line: not a metrics truth file");
        }
        return new ExpectedMetrics(
                lateness, maxSeriesPerName, points, deadLetters, totals, rollups, conflicts, limited);
    }

    private static SentPoint point(String[] f) {
        if (f.length < 7 || (f.length - 7) % 2 != 0) {
            throw new IllegalArgumentException(
                    "A point line needs 7 fields and label pairs, has " + f.length + " fields");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 7; i < f.length; i += 2) {
            labels.put(f[i], f[i + 1]);
        }
        MetricKind kind = f[4].equals("-") ? null : MetricKind.valueOf(f[4]);
        ReferencePoint p = new ReferencePoint(f[3], labels, kind, Long.parseLong(f[5]), Double.parseDouble(f[6]));
        return new SentPoint(p, Long.parseLong(f[1]), f[2].equals("1"));
    }

    private static void line(BufferedWriter out, String type, Object... fields) throws IOException {
        StringBuilder line = new StringBuilder(type);
        for (Object field : fields) {
            line.append('\t');
            String text = String.valueOf(field);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '\\' -> line.append("\\\\");
                    case '\t' -> line.append("\\t");
                    case '\n' -> line.append("\\n");
                    case '\r' -> line.append("\\r");
                    default -> line.append(c);
                }
            }
        }
        out.write(line.append('\n').toString());
    }

    /** A line's fields, unescaped. */
    static String[] fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\\' && i + 1 < line.length()) {
                char next = line.charAt(++i);
                field.append(
                        switch (next) {
                            case 't' -> '\t';
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            default -> next;
                        });
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields.toArray(String[]::new);
    }
}
