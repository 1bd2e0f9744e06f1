package dev.tally.loadgen.metrics.reference;

/**
 * What tells one point from another for the SPEC's rules: two points with the same identity are
 * duplicates, two of the same (series, ts) with another value conflict. The verifier matches the late
 * topic's points and the CONFLICTING_SAMPLE dead letters with the truth by this identity.
 */
public record PointId(String seriesKey, long ts, double value) {

    public PointId {
        // -0.0 and 0.0 are the same number, so the same value for the SPEC: one identity.
        value = value == 0 ? 0.0 : value;
    }
}
