package dev.tally.jobs.adclick.functions;

import java.util.Objects;

/**
 * Clicks of one ad in one event-time minute, either for one filter ({@code country = ""}) or for
 * one country ({@code filterId = COUNTRY_DIMENSION}); a partial or a final count.
 */
public class ClickCount {

    /** The filterId of a per-country dimension row. */
    public static final int COUNTRY_DIMENSION = -1;

    public String adId;
    public int filterId;
    public String country;
    /** Start of the minute, epoch milliseconds UTC. */
    public long minute;

    public long count;

    public ClickCount() {}

    public ClickCount(String adId, int filterId, String country, long minute, long count) {
        this.adId = adId;
        this.filterId = filterId;
        this.country = country;
        this.minute = minute;
        this.count = count;
    }

    public static ClickCount forFilter(String adId, int filterId, long minute, long count) {
        return new ClickCount(adId, filterId, "", minute, count);
    }

    /** A null country is counted under "" so the dimension table has a row for it. */
    public static ClickCount forCountry(String adId, String country, long minute, long count) {
        return new ClickCount(adId, COUNTRY_DIMENSION, country == null ? "" : country, minute, count);
    }

    public boolean isCountryDimension() {
        return filterId == COUNTRY_DIMENSION;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ClickCount)) {
            return false;
        }
        ClickCount that = (ClickCount) o;
        return filterId == that.filterId
                && minute == that.minute
                && count == that.count
                && Objects.equals(adId, that.adId)
                && Objects.equals(country, that.country);
    }

    @Override
    public int hashCode() {
        return Objects.hash(adId, filterId, country, minute, count);
    }

    @Override
    public String toString() {
        return "ClickCount{adId="
                + adId
                + ", filterId="
                + filterId
                + ", country='"
                + country
                + "', minute="
                + minute
                + ", count="
                + count
                + '}';
    }
}
