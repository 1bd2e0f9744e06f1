package dev.tally.jobs.adclick.functions;

import java.util.Arrays;

/**
 * When the sliding windows of {@link RollingTopCandidates} are due, in event time: window end w is
 * due when the watermark reaches w - 1, and a minute is open while a late partial may change it.
 */
final class WindowEnds {

    private WindowEnds() {}

    /** The window sizes, sorted; refused when empty, not positive or repeated. */
    static int[] checkWindowMinutes(int... windowMinutes) {
        if (windowMinutes == null || windowMinutes.length == 0) {
            throw new IllegalArgumentException("at least one window size is needed");
        }
        int[] sorted = windowMinutes.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 1) {
                throw new IllegalArgumentException(
                        "window sizes must be positive minutes, got " + Arrays.toString(windowMinutes));
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException(
                        "window sizes must be distinct, got " + Arrays.toString(windowMinutes));
            }
        }
        return sorted;
    }

    /**
     * The first window end w whose list is not out yet (w - 1 > watermark); windows are emitted
     * when the watermark reaches w - 1.
     */
    static long firstUnemittedWindowEnd(long watermark) {
        if (watermark == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        if (watermark == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Minutes.start(watermark + 1) + Minutes.MILLIS;
    }

    /**
     * The first minute whose count a late partial may still change at {@code watermark} (every
     * minute before it is {@link Minutes#closed closed}): all are closed at the end of input.
     */
    static long firstOpenMinute(long allowedLatenessMillis, long watermark) {
        if (watermark == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        if (watermark == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return Minutes.start(watermark - allowedLatenessMillis - (Minutes.MILLIS - 1)) + Minutes.MILLIS;
    }

    /** The last window end due at {@code watermark}: every one, at the end of input. */
    static long lastDueWindowEnd(long watermark) {
        if (watermark == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        if (watermark == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return Minutes.start(watermark + 1);
    }
}
