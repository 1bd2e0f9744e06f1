package dev.tally.jobs.adclick.functions;

import java.time.Duration;
import java.util.Objects;

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

    /** An allowed lateness in milliseconds; a negative one is refused. */
    public static long latenessMillis(Duration allowedLateness) {
        Objects.requireNonNull(allowedLateness, "allowedLateness");
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must not be negative, got " + allowedLateness);
        }
        return allowedLateness.toMillis();
    }

    /**
     * Whether {@code minute}'s total can no longer change at {@code watermark}: the count window drops
     * a partial of such a minute, so dedup diverts its clicks to the late output by the same test.
     */
    public static boolean closed(long minute, long allowedLatenessMillis, long watermark) {
        return maxTimestamp(minute) + allowedLatenessMillis <= watermark;
    }
}
