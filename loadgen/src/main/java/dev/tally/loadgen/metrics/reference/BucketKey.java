package dev.tally.loadgen.metrics.reference;

/** One rollup's identity, as the job keys its rows and records: series, resolution (1m or 1h) and bucket start. */
public record BucketKey(String seriesKey, String resolution, long bucketStart) {

    public static final String MINUTE = "1m";
    public static final String HOUR = "1h";
}
