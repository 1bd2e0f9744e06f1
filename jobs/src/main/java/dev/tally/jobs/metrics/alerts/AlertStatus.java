package dev.tally.jobs.metrics.alerts;

/** An alert's state between evaluations, kept only while it is pending or firing. A POJO in keyed state. */
public final class AlertStatus {

    public static final String PENDING = "PENDING";
    public static final String FIRING = "FIRING";
    /** A pending alert whose condition stopped holding before {@code for} had passed. */
    public static final String INACTIVE = "INACTIVE";

    public static final String RESOLVED = "RESOLVED";

    public String state;
    /** The evaluation time at which the condition started to hold. */
    public long activeSince;
    /** The latest evaluation time at which it held. */
    public long lastHeld;

    public double lastValue;
    /** The alert's labels from its series, as in {@link RuleSample#groupLabels}: needed after its last sample left the range. */
    public String[] groupLabels;

    public AlertStatus() {}
}
