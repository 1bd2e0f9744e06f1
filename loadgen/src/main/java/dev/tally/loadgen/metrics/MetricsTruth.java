package dev.tally.loadgen.metrics;

import dev.tally.loadgen.metrics.reference.ReferencePoint;
import dev.tally.loadgen.metrics.reference.SentPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the generator sent, as the job must see it: every valid point whole, in the order sent, with its
 * Kafka timestamp and whether it is a late candidate (duplicates and conflicting values among them:
 * telling those apart is the reference's job); the reason of every record the job must dead-letter; and
 * the closing points, which are no data. {@link #expected} is the ground truth.
 *
 * <p>Without a truth file nobody needs the points, and over a long run they would fill the heap:
 * {@link #totalsOnly()} keeps the counts alone.
 */
public final class MetricsTruth {

    /** Null when only the totals are kept. */
    private final List<SentPoint> points;

    private final Map<String, Long> deadLetters = new TreeMap<>();
    private long records;
    private long valid;
    private long lateCandidates;
    private long closing;

    /** A truth that keeps every point. */
    public MetricsTruth() {
        this(new ArrayList<>());
    }

    private MetricsTruth(List<SentPoint> points) {
        this.points = points;
    }

    /** A truth that only counts. */
    public static MetricsTruth totalsOnly() {
        return new MetricsTruth(null);
    }

    /** A valid point, sent with this Kafka timestamp; a late candidate when sent far behind the newest ts. */
    void point(ReferencePoint point, long kafkaTimestamp, boolean lateCandidate) {
        records++;
        valid++;
        if (lateCandidate) {
            lateCandidates++;
        }
        if (points != null) {
            points.add(new SentPoint(point, kafkaTimestamp, lateCandidate));
        }
    }

    /** A record the job must dead-letter with {@code reason}. */
    void deadLetter(String reason) {
        records++;
        deadLetters.merge(reason, 1L, Long::sum);
    }

    /** A closing point: no data, ignored by the verifier. */
    void closing() {
        records++;
        closing++;
    }

    public ExpectedMetrics.Totals totals() {
        return new ExpectedMetrics.Totals(
                records,
                valid,
                lateCandidates,
                deadLetters.values().stream().mapToLong(Long::longValue).sum(),
                closing);
    }

    /** The ground truth for a job with this {@code --allowed-lateness} and {@code --max-series-per-name}. */
    public ExpectedMetrics expected(Duration allowedLateness, int maxSeriesPerName) {
        if (points == null) {
            throw new IllegalStateException("this truth keeps only totals (MetricsTruth.totalsOnly())");
        }
        return ExpectedMetrics.of(allowedLateness, maxSeriesPerName, points, deadLetters, totals());
    }
}
