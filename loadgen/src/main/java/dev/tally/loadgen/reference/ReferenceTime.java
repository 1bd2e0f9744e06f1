package dev.tally.loadgen.reference;

/** Event-time arithmetic of the SPEC, for the ground truths: UTC minutes of epoch milliseconds. */
public final class ReferenceTime {

    public static final long MINUTE_MILLIS = 60_000L;

    private ReferenceTime() {}

    /** The start of the minute holding {@code eventTime} (floor, also before 1970). */
    public static long minuteOf(long eventTime) {
        return Math.floorDiv(eventTime, MINUTE_MILLIS) * MINUTE_MILLIS;
    }
}
