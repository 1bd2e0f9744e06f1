package dev.tally.jobs.adclick.functions;

import java.util.Objects;
import org.apache.flink.api.java.functions.KeySelector;

/** Key of {@link RollingTopCandidates}: one ad under one filter. */
public class AdFilterKey {

    public String adId;
    public int filterId;

    public AdFilterKey() {}

    public AdFilterKey(String adId, int filterId) {
        this.adId = adId;
        this.filterId = filterId;
    }

    /** Keys final per-minute filter counts by (adId, filterId). */
    public static final class Selector implements KeySelector<ClickCount, AdFilterKey> {
        private static final long serialVersionUID = 1L;

        @Override
        public AdFilterKey getKey(ClickCount count) {
            return new AdFilterKey(count.adId, count.filterId);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AdFilterKey)) {
            return false;
        }
        AdFilterKey that = (AdFilterKey) o;
        return filterId == that.filterId && Objects.equals(adId, that.adId);
    }

    @Override
    public int hashCode() {
        // Computed for every minute count that crosses the shuffle: no varargs array, no boxing.
        return 31 * Objects.hashCode(adId) + filterId;
    }

    @Override
    public String toString() {
        return "AdFilterKey{adId=" + adId + ", filterId=" + filterId + '}';
    }
}
