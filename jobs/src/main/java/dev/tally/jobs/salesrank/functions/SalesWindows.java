package dev.tally.jobs.salesrank.functions;

/**
 * The windows of the sales rank: the 7 days before each hour boundary, sliding by the hour. A purchase
 * falls in one hourly pane; a window is the sum of its 168 panes, so a product keeps 168 counts, not
 * 168 copies of every window. Window end E (exclusive) holds the panes in [E - 7 d, E) and is complete
 * when the watermark reaches E - 1.
 */
public final class SalesWindows {

    public static final long HOUR = 3_600_000L;
    public static final int PANES = 168;
    public static final long WEEK = PANES * HOUR;

    private SalesWindows() {}

    /** The start of the hour {@code ts} falls in. */
    public static long paneOf(long ts) {
        return Math.floorDiv(ts, HOUR) * HOUR;
    }

    /** The end of the first window that holds {@code pane}. */
    public static long firstWindowEnd(long pane) {
        return pane + HOUR;
    }

    /** The start of the window ending at {@code windowEnd}. */
    public static long windowStart(long windowEnd) {
        return windowEnd - WEEK;
    }
}
