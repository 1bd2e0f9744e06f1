package dev.tally.loadgen.metrics.reference;

import dev.tally.schema.metrics.MetricKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The metrics job's expected final rollups, computed from the SPEC's rules (the job's README) directly on
 * the whole input, so it can check the job's incremental, event-time computation: written apart from
 * the job and importing nothing of it, since a truth sharing the job's code could not catch its bugs.
 *
 * <p>The rules, as implemented here:
 * <ul>
 *   <li>The points applied are the valid ones sent, less one late candidate per point the job routed to
 *       the late topic (a routed point that matches no late candidate is not removed: the job was wrong).
 *   <li>The cardinality guard: of the series of one metric name with applied points in one UTC hour, taken in
 *       the order of the minute of their earliest applied point in the hour, then of series key, the first
 *       {@code maxSeriesPerName} are admitted; every applied point of the others in that hour (duplicates
 *       and other values included) is one SERIES_LIMIT dead letter, and counts for nothing else.
 *   <li>Of the admitted points of one (series key, ts), the smallest value (numeric order) is the sample;
 *       another point with that value changes nothing; each other distinct value is one CONFLICTING_SAMPLE
 *       dead letter, whichever order the points came in.
 *   <li>A point's kind is {@link ReferencePoint#effectiveKind}; a sample is a counter's when any applied
 *       point with its value is, and a bucket is COUNTER when any of its samples is.
 *   <li>Buckets are UTC minutes and hours. Over a bucket's samples in ts order: count; sum added in ts
 *       order; min; max; first/first_ts and last/last_ts; for a COUNTER bucket, over every pair of
 *       consecutive samples (p, v): increase adds v - p when v &gt;= p, else v, and resets counts the drops
 *       (0.0 and 0 for a bucket of one sample); both null for a GAUGE bucket.
 *   <li>The hour's rollup is computed from the hour's samples themselves, not from its minutes: the job
 *       merges minutes, so the two computations check each other.
 * </ul>
 * Memory is one entry per distinct point; a million points take a second or two.
 */
public final class MetricsReference {

    private static final long MINUTE_MILLIS = 60_000L;
    private static final long HOUR_MILLIS = 3_600_000L;

    /** What a correct job leaves: every bucket's final rollup and every conflicting value's dead letter. */
    /**
     * @param samples each bucket's sample values, in ascending order: its exact quantiles, which the
     *     rollup's percentile sketch must give within its relative accuracy
     * @param raw each minute's samples in {@code ts} order, as the raw minutes must hold them
     */
    public record Result(
            Map<BucketKey, ExpectedRollup> rollups,
            Map<BucketKey, double[]> samples,
            Map<BucketKey, RawSamples> raw,
            Map<PointId, Long> conflicts,
            Map<PointId, Long> limited,
            Totals totals) {

        /** The rollups of one resolution ({@link BucketKey#MINUTE} or {@link BucketKey#HOUR}). */
        public Map<BucketKey, ExpectedRollup> rollups(String resolution) {
            Map<BucketKey, ExpectedRollup> some = new HashMap<>();
            rollups.forEach((key, rollup) -> {
                if (key.resolution().equals(resolution)) {
                    some.put(key, rollup);
                }
            });
            return some;
        }
    }

    /**
     * What the points come to.
     *
     * @param accepted valid points sent
     * @param lateCandidates of them, sent so far behind that the job may route them to the late topic
     * @param routedLate of those, routed to the late topic (so not applied)
     * @param applied accepted points less the routed ones
     * @param limited of those, the points of series over their name's limit in their hour: SERIES_LIMIT dead letters
     * @param samples distinct (series, ts) among the applied points
     * @param duplicates applied points whose value an earlier applied point of the same (series, ts) carried
     * @param conflicts distinct values of a (series, ts) other than its sample's: CONFLICTING_SAMPLE dead letters
     */
    public record Totals(
            long accepted,
            long lateCandidates,
            long routedLate,
            long applied,
            long limited,
            long samples,
            long duplicates,
            long conflicts) {}

    /** A minute's samples: its kind (a counter's when any sample is), their timestamps and values, in timestamp order. */
    public record RawSamples(MetricKind kind, List<Long> ts, List<Double> values) {}

    /** The distinct values of one (series, ts) so far, each with whether a point carrying it was a counter's. */
    private static final class Sample {
        final Map<Double, Boolean> values = new HashMap<>(2);

        /** True when the value was new here. */
        boolean add(double value, boolean counter) {
            Boolean before = values.put(value, counter);
            if (before != null && before) {
                values.put(value, true);
            }
            return before == null;
        }

        double kept() {
            double min = Double.POSITIVE_INFINITY;
            for (double v : values.keySet()) {
                min = Math.min(min, v);
            }
            return min;
        }
    }

    /** One bucket's rollup so far, samples added in ts order. */
    private static final class Bucket {
        long count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double first;
        long firstTs;
        double last;
        long lastTs;
        boolean counter;
        // Kept for every bucket, used for COUNTER ones only: any pair may be a counter bucket's.
        double increase;
        long resets;
        double[] values = new double[8];
        long[] times = new long[8];

        void add(long ts, double value, boolean isCounter) {
            if (count == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
                times = Arrays.copyOf(times, times.length * 2);
            }
            values[(int) count] = value;
            times[(int) count] = ts;
            if (count == 0) {
                first = value;
                firstTs = ts;
            } else if (value >= last) {
                increase += value - last;
            } else {
                increase += value;
                resets++;
            }
            count++;
            sum += value;
            min = Math.min(min, value);
            max = Math.max(max, value);
            last = value;
            lastTs = ts;
            counter |= isCounter;
        }

        RawSamples raw() {
            List<Long> ts = new ArrayList<>((int) count);
            List<Double> vs = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                ts.add(times[i]);
                vs.add(values[i]);
            }
            return new RawSamples(counter ? MetricKind.COUNTER : MetricKind.GAUGE, ts, vs);
        }

        double[] sortedValues() {
            double[] sorted = Arrays.copyOf(values, (int) count);
            Arrays.sort(sorted);
            return sorted;
        }

        ExpectedRollup rollup() {
            return new ExpectedRollup(
                    counter ? MetricKind.COUNTER : MetricKind.GAUGE,
                    count,
                    sum,
                    min,
                    max,
                    first,
                    firstTs,
                    last,
                    lastTs,
                    counter ? increase : null,
                    counter ? resets : null);
        }
    }

    private MetricsReference() {}

    /** The expectation when no point was routed to the late topic. */
    public static Result compute(Iterable<SentPoint> valid, int maxSeriesPerName) {
        return compute(valid, Map.of(), maxSeriesPerName);
    }

    /**
     * The expectation from every valid point sent, in any order, given the points the job routed to the
     * late topic ({@code routedLate}: how many times each) and the job's {@code --max-series-per-name}.
     */
    public static Result compute(Iterable<SentPoint> valid, Map<PointId, Integer> routedLate, int maxSeriesPerName) {
        Map<PointId, Integer> toRoute = new HashMap<>(routedLate);
        // series key -> ts -> the (series, ts)'s values; TreeMap: the samples in ts order.
        Map<String, TreeMap<Long, Sample>> series = new HashMap<>();
        long accepted = 0;
        long candidates = 0;
        long routed = 0;
        long applied = 0;
        long duplicates = 0;
        List<ReferencePoint> appliedPoints = new ArrayList<>();
        for (SentPoint sent : valid) {
            accepted++;
            ReferencePoint p = sent.point();
            if (sent.lateCandidate()) {
                candidates++;
                PointId id = new PointId(p.seriesKey(), p.ts(), p.value());
                Integer left = toRoute.get(id);
                if (left != null && left > 0) {
                    toRoute.put(id, left - 1);
                    routed++;
                    continue;
                }
            }
            applied++;
            appliedPoints.add(p);
        }
        Set<String> overLimit = overLimit(appliedPoints, maxSeriesPerName);
        Map<PointId, Long> limited = new HashMap<>();
        long limitedPoints = 0;
        for (ReferencePoint p : appliedPoints) {
            String key = p.seriesKey();
            if (overLimit.contains(seriesHour(key, p.ts()))) {
                limited.merge(p.id(), 1L, Long::sum);
                limitedPoints++;
                continue;
            }
            Sample sample =
                    series.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(p.ts(), ts -> new Sample());
            double value = p.value() == 0 ? 0.0 : p.value();
            if (!sample.add(value, p.effectiveKind() == MetricKind.COUNTER)) {
                duplicates++;
            }
        }

        Map<BucketKey, ExpectedRollup> rollups = new HashMap<>();
        Map<BucketKey, double[]> bucketSamples = new HashMap<>();
        Map<BucketKey, RawSamples> raw = new HashMap<>();
        Map<PointId, Long> conflicts = new HashMap<>();
        long samples = 0;
        for (Map.Entry<String, TreeMap<Long, Sample>> s : series.entrySet()) {
            String key = s.getKey();
            Map<Long, Bucket> minutes = new LinkedHashMap<>();
            Map<Long, Bucket> hours = new LinkedHashMap<>();
            for (Map.Entry<Long, Sample> e : s.getValue().entrySet()) {
                long ts = e.getKey();
                Sample sample = e.getValue();
                double kept = sample.kept();
                boolean counter = sample.values.get(kept);
                for (double v : sample.values.keySet()) {
                    if (v != kept) {
                        conflicts.put(new PointId(key, ts, v), 1L);
                    }
                }
                minutes.computeIfAbsent(Math.floorDiv(ts, MINUTE_MILLIS) * MINUTE_MILLIS, m -> new Bucket())
                        .add(ts, kept, counter);
                hours.computeIfAbsent(Math.floorDiv(ts, HOUR_MILLIS) * HOUR_MILLIS, h -> new Bucket())
                        .add(ts, kept, counter);
                samples++;
            }
            minutes.forEach((start, b) -> {
                rollups.put(new BucketKey(key, BucketKey.MINUTE, start), b.rollup());
                bucketSamples.put(new BucketKey(key, BucketKey.MINUTE, start), b.sortedValues());
                raw.put(new BucketKey(key, BucketKey.MINUTE, start), b.raw());
            });
            hours.forEach((start, b) -> {
                rollups.put(new BucketKey(key, BucketKey.HOUR, start), b.rollup());
                bucketSamples.put(new BucketKey(key, BucketKey.HOUR, start), b.sortedValues());
            });
        }
        return new Result(
                rollups,
                bucketSamples,
                raw,
                conflicts,
                limited,
                new Totals(
                        accepted, candidates, routed, applied, limitedPoints, samples, duplicates, conflicts.size()));
    }

    /**
     * The (series, hour)s over their name's limit, as {@link #seriesHour} keys: per name and hour, the
     * series sorted by the minute of their earliest point in the hour, then by key; all after the first
     * {@code maxSeriesPerName}.
     */
    private static Set<String> overLimit(List<ReferencePoint> points, int maxSeriesPerName) {
        // name and hour -> series key -> its earliest minute in the hour
        Map<String, Map<String, Long>> firstMinutes = new HashMap<>();
        for (ReferencePoint p : points) {
            long hour = Math.floorDiv(p.ts(), HOUR_MILLIS) * HOUR_MILLIS;
            long minute = Math.floorDiv(p.ts(), MINUTE_MILLIS) * MINUTE_MILLIS;
            firstMinutes
                    .computeIfAbsent(p.name() + "@" + hour, k -> new HashMap<>())
                    .merge(p.seriesKey(), minute, Math::min);
        }
        Set<String> over = new HashSet<>();
        firstMinutes.forEach((nameHour, seriesFirst) -> {
            if (seriesFirst.size() <= maxSeriesPerName) {
                return;
            }
            long hour = Long.parseLong(nameHour.substring(nameHour.lastIndexOf('@') + 1));
            List<Map.Entry<String, Long>> order = new ArrayList<>(seriesFirst.entrySet());
            order.sort(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
            for (Map.Entry<String, Long> e : order.subList(maxSeriesPerName, order.size())) {
                over.add(seriesHour(e.getKey(), hour));
            }
        });
        return over;
    }

    private static String seriesHour(String seriesKey, long ts) {
        return seriesKey + "@" + Math.floorDiv(ts, HOUR_MILLIS) * HOUR_MILLIS;
    }

    /**
     * Whether a correct job may have routed a point of event time {@code ts} to the late topic when the
     * newest event time sent before it was {@code front}: a point is late once the watermark reaches its
     * minute's end - 1 ms + the allowed lateness, and the watermark is behind every event time the job read
     * of the point's partition, all of which were sent no later than the point.
     */
    public static boolean couldBeLate(long ts, long front, Duration allowedLateness) {
        long minuteEnd = Math.floorDiv(ts, MINUTE_MILLIS) * MINUTE_MILLIS + MINUTE_MILLIS;
        return front >= minuteEnd - 1 + allowedLateness.toMillis();
    }

    /** The points of {@code valid} that are late candidates, with how many times each was sent. */
    public static Map<PointId, Integer> lateCandidates(Iterable<SentPoint> valid) {
        Map<PointId, Integer> candidates = new HashMap<>();
        for (SentPoint sent : valid) {
            if (sent.lateCandidate()) {
                candidates.merge(sent.point().id(), 1, Integer::sum);
            }
        }
        return candidates;
    }
}
