package dev.tally.jobs.metrics.functions;

import dev.tally.jobs.metrics.PointsBlock;
import java.util.Arrays;
import java.util.Objects;

/**
 * A series' samples of one minute as stored raw: one row per series-minute, the samples packed in a
 * {@link PointsBlock}. Emitted with every minute rollup, so a minute a late point changed is written again
 * whole.
 */
public final class RawMinute {

    public String seriesKey;
    /** The metric's name, for its retention. */
    public String name;
    /** The minute's start, epoch milliseconds. */
    public long minute;

    /** Whether any sample is a counter's, as the minute's rollup's kind. */
    public boolean counter;

    public int count;
    public byte[] points;

    public RawMinute() {}

    public RawMinute(String seriesKey, String name, long minute, boolean counter, int count, byte[] points) {
        this.seriesKey = seriesKey;
        this.name = name;
        this.minute = minute;
        this.counter = counter;
        this.count = count;
        this.points = points;
    }

    /**
     * The minute of {@code samples}, which holds at least one; {@code counter} as its rollup found it
     * (any sample a counter's).
     */
    public static RawMinute of(String seriesKey, String name, long minute, boolean counter, MinuteSamples samples) {
        return new RawMinute(
                seriesKey,
                name,
                minute,
                counter,
                samples.size(),
                PointsBlock.encode(samples.ts, samples.values, samples.size()));
    }

    /** The end of the minute, epoch milliseconds. */
    public long end() {
        return minute + 60_000L;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawMinute r
                && seriesKey.equals(r.seriesKey)
                && Objects.equals(name, r.name)
                && minute == r.minute
                && counter == r.counter
                && count == r.count
                && Arrays.equals(points, r.points);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seriesKey, minute, count);
    }

    @Override
    public String toString() {
        return seriesKey + " @" + minute + (counter ? " (counter) " : " ") + PointsBlock.decode(points);
    }
}
