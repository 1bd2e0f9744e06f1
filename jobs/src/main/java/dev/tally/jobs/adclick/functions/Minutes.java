package dev.tally.jobs.adclick.functions;

/** Event-time minute arithmetic shared by the ad-click operators (UTC epoch milliseconds). */
public final class Minutes {

    public static final long MILLIS = 60_000L;

    private Minutes() {}

    /** Start of the minute containing {@code timestamp}; floorDiv keeps pre-1970 times correct. */
    public static long start(long timestamp) {
        return Math.floorDiv(timestamp, MILLIS) * MILLIS;
    }

    /**
     * The event timestamp of a record for {@code minute}: the 1-minute window's max timestamp, so
     * the record falls into that window and is late exactly when the window is.
     */
    public static long maxTimestamp(long minute) {
        return minute + MILLIS - 1;
    }
}
