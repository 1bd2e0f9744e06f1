package dev.tally.loadgen.metrics;

import java.time.Duration;

/**
 * What the metric-point generator produces: how many records, over how many series, how dense in event
 * time, and how often each injected fault occurs. The fault rates are per regular sample (one series'
 * point of one interval), except the silences, per host and hour of event time.
 *
 * @param records records to produce: faults and the closing points included
 * @param pools pools of hosts, each a {@code pool} label (and a {@code region} on some metrics)
 * @param hostsPerPool hosts per pool, each a {@code host} label
 * @param metricsPerHost series per host, gauges and counters; two series without labels come on top
 * @param interval event time between two samples of a series
 * @param startMillis event time of the first interval
 * @param maxDisorder how far a point may be sent after its ts, so the stream is a little out of order
 * @param partitions the input topic's partitions: one closing point is sent to each
 * @param allowedLateness the job's {@code --allowed-lateness}: delayed points stay well within it, late
 *     candidates well beyond it, and the closing points past it
 * @param duplicateRate exact re-sends of a sample, a few seconds later
 * @param conflictRate samples that get a point of the same ts with another value, before or after them
 * @param delayedRate samples sent 1 to 3 minutes late (less with a short lateness): always applied
 * @param lateRate samples held back so long that the job may route them to the late topic
 * @param malformedRate undecodable records (empty, not Avro, truncated, unknown schema, corrupt), in turn
 * @param invalidRate decodable points the job must reject (NaN, too many labels, bad name, ...), in turn
 * @param resetRate counter samples that restart from a small value (6 times as often on a minute's first sample)
 * @param silencesPerHostHour how often a host stops sending for 2 to 6 minutes
 * @param alertEpisodes whether to add {@link AlertEpisodes}' scripted series, which take the alert rules
 *     of {@link AlertEpisodes#RULES} through every state: sent on time and free of faults
 * @param maxSeriesPerName the job's {@code --max-series-per-name}, which the ground truth applies
 * @param floodSeriesPerInterval the cardinality flood: this many new series of {@value #FLOOD_METRIC} an
 *     interval (a label with a new value each time, as a session id), each sending a sample in two
 *     consecutive intervals, on time and free of faults; 0 for none
 */
public record MetricsSettings(
        long seed,
        long records,
        int pools,
        int hostsPerPool,
        int metricsPerHost,
        Duration interval,
        long startMillis,
        Duration maxDisorder,
        int partitions,
        Duration allowedLateness,
        double duplicateRate,
        double conflictRate,
        double delayedRate,
        double lateRate,
        double malformedRate,
        double invalidRate,
        double resetRate,
        double silencesPerHostHour,
        boolean alertEpisodes,
        int maxSeriesPerName,
        int floodSeriesPerInterval) {

    /** The cardinality flood's metric. */
    public static final String FLOOD_METRIC = "tally_loadgen_session_seconds";

    public MetricsSettings {
        if (pools < 1 || hostsPerPool < 1 || metricsPerHost < 1) {
            throw new IllegalArgumentException("need at least 1 pool, 1 host per pool and 1 metric per host");
        }
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("the interval must be between 1 s and 1 min, was " + interval);
        }
        // Disorder stays well under the job's 15 s watermark delay, and a series' points in order.
        if (maxDisorder.isNegative()
                || maxDisorder.compareTo(interval) >= 0
                || maxDisorder.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("the disorder must be in [0, min(interval, 10 s)], was " + maxDisorder);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("need at least 1 partition, was " + partitions);
        }
        if (records <= partitions) {
            throw new IllegalArgumentException("need more records than the " + partitions + " closing points");
        }
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("the allowed lateness must not be negative, was " + allowedLateness);
        }
        for (double rate :
                new double[] {duplicateRate, conflictRate, delayedRate, lateRate, malformedRate, invalidRate, resetRate
                }) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("rates must be in [0, 1], was " + rate);
            }
        }
        if (delayedRate + lateRate > 1) {
            throw new IllegalArgumentException("delayed and late samples must add up to at most 1");
        }
        if (maxSeriesPerName < 1 || floodSeriesPerInterval < 0) {
            throw new IllegalArgumentException("the series limit must be positive and the flood not negative, were "
                    + maxSeriesPerName + " and " + floodSeriesPerInterval);
        }
        if (silencesPerHostHour < 0) {
            throw new IllegalArgumentException("silences must not be negative, was " + silencesPerHostHour);
        }
        boolean followUps = delayedRate > 0 || duplicateRate > 0 || conflictRate > 0;
        if (followUps
                && delayedMax(allowedLateness) + interval.toMillis() + maxDisorder.toMillis()
                        >= allowedLateness.toMillis()) {
            throw new IllegalArgumentException("with an allowed lateness of " + allowedLateness
                    + " there is no room for delayed points, duplicates or"
                    + " conflicts that are surely applied: set their rates to 0");
        }
    }

    /** All series: pools x hosts x metrics, the two without labels, and the alert episodes' when on. */
    public int series() {
        return pools * hostsPerPool * metricsPerHost
                + SeriesCatalog.GLOBAL_SERIES
                + (alertEpisodes ? AlertEpisodes.SERIES : 0);
    }

    /** These settings with the alert episodes on or off. */
    public MetricsSettings withAlertEpisodes(boolean on) {
        return new MetricsSettings(
                seed,
                records,
                pools,
                hostsPerPool,
                metricsPerHost,
                interval,
                startMillis,
                maxDisorder,
                partitions,
                allowedLateness,
                duplicateRate,
                conflictRate,
                delayedRate,
                lateRate,
                malformedRate,
                invalidRate,
                resetRate,
                silencesPerHostHour,
                on,
                maxSeriesPerName,
                floodSeriesPerInterval);
    }

    /** The least a delayed sample is sent behind its ts: 1 minute, or a fifth of a shorter lateness. */
    long delayedMin() {
        return Math.min(60_000L, allowedLateness.toMillis() / 5);
    }

    /** The most a delayed sample is sent behind its ts: 3 minutes, or three fifths of a shorter lateness. */
    long delayedMax() {
        return delayedMax(allowedLateness);
    }

    private static long delayedMax(Duration allowedLateness) {
        return Math.min(180_000L, allowedLateness.toMillis() * 3 / 5);
    }

    /**
     * How far behind the newest event time sent a point is at least to be a late candidate: the allowed
     * lateness plus 5 minutes, so a job whose watermark keeps up (15 s behind, plus its minute) routes it late.
     */
    public long lateCandidateBehind() {
        return allowedLateness.toMillis() + 5 * 60_000L;
    }

    /** How far past the last event time the closing points are: an hour (the last hour's end), the lateness and 2 minutes. */
    public long closingAfter() {
        return 3_600_000L + allowedLateness.toMillis() + 2 * 60_000L;
    }

    /** The event time {@code records} span over {@code series} at most (fault records make it a little shorter). */
    public static Duration span(long records, int series, Duration interval) {
        return interval.multipliedBy(Math.max(1, records / series));
    }

    /**
     * Small, fault-rich settings for tests: 2 pools x 4 hosts x 12 metrics (98 series) every 10 s, so
     * 60,000 records span about 100 minutes; the job's default lateness of 5 minutes; a flood of a new
     * series an interval, over a limit of 30 series per name and hour.
     */
    public static MetricsSettings forTest(long seed, long records, long startMillis) {
        return forTest(seed, records, startMillis, 2, 4, Duration.ofSeconds(10));
    }

    /** {@link #forTest(long, long, long)} with a fleet of {@code pools} x {@code hosts} x 12 metrics sampled every {@code interval}. */
    public static MetricsSettings forTest(
            long seed, long records, long startMillis, int pools, int hosts, Duration interval) {
        return new MetricsSettings(
                seed,
                records,
                pools,
                hosts,
                12,
                interval,
                startMillis,
                Duration.ofSeconds(3),
                4,
                Duration.ofMinutes(5),
                0.02,
                0.01,
                0.01,
                0.004,
                0.002,
                0.004,
                0.01,
                0.5,
                false,
                30,
                1);
    }
}
