package dev.tally.jobs.adclick.functions;

import java.util.Objects;
import org.apache.flink.api.java.functions.KeySelector;

/** Key of the 1-minute count window: (adId, filterId, country). */
public class CountKey {

    public String adId;
    public int filterId;
    public String country;

    public CountKey() {}

    public CountKey(String adId, int filterId, String country) {
        this.adId = adId;
        this.filterId = filterId;
        this.country = country;
    }

    public static CountKey of(ClickCount count) {
        return new CountKey(count.adId, count.filterId, count.country);
    }

    /** Keys partial counts for the 1-minute window. */
    public static final class Selector implements KeySelector<ClickCount, CountKey> {
        private static final long serialVersionUID = 1L;

        @Override
        public CountKey getKey(ClickCount count) {
            return CountKey.of(count);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CountKey)) {
            return false;
        }
        CountKey that = (CountKey) o;
        return filterId == that.filterId && Objects.equals(adId, that.adId) && Objects.equals(country, that.country);
    }

    @Override
    public int hashCode() {
        // Computed for every partial count that crosses the shuffle: no varargs array, no boxing.
        int h = Objects.hashCode(adId);
        h = 31 * h + filterId;
        return 31 * h + Objects.hashCode(country);
    }

    @Override
    public String toString() {
        return "CountKey{adId=" + adId + ", filterId=" + filterId + ", country='" + country + "'}";
    }
}
