package dev.tally.jobs.adclick.functions;

import java.util.Objects;

/** Clicks of one ad under one filter over the {@code windowMinutes} minutes ending at windowEnd. */
public class WindowSum {

    public int filterId;
    public int windowMinutes;
    /** Exclusive end of the window, a minute boundary in epoch milliseconds UTC. */
    public long windowEnd;

    public String adId;
    public long sum;

    public WindowSum() {}

    public WindowSum(int filterId, int windowMinutes, long windowEnd, String adId, long sum) {
        this.filterId = filterId;
        this.windowMinutes = windowMinutes;
        this.windowEnd = windowEnd;
        this.adId = adId;
        this.sum = sum;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof WindowSum)) {
            return false;
        }
        WindowSum that = (WindowSum) o;
        return filterId == that.filterId
                && windowMinutes == that.windowMinutes
                && windowEnd == that.windowEnd
                && sum == that.sum
                && Objects.equals(adId, that.adId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filterId, windowMinutes, windowEnd, adId, sum);
    }

    @Override
    public String toString() {
        return "WindowSum{filterId="
                + filterId
                + ", windowMinutes="
                + windowMinutes
                + ", windowEnd="
                + windowEnd
                + ", adId="
                + adId
                + ", sum="
                + sum
                + '}';
    }
}
