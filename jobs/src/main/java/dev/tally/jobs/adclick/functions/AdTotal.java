package dev.tally.jobs.adclick.functions;

import java.util.Objects;

/** An ad and its click total in one window: an entry of a top-N candidate list. */
public class AdTotal {

    public String adId;
    public long count;

    public AdTotal() {}

    public AdTotal(String adId, long count) {
        this.adId = adId;
        this.count = count;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AdTotal)) {
            return false;
        }
        AdTotal that = (AdTotal) o;
        return count == that.count && Objects.equals(adId, that.adId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(adId, count);
    }

    @Override
    public String toString() {
        return adId + ":" + count;
    }
}
