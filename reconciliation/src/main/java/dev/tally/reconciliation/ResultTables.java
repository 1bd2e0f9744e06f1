package dev.tally.reconciliation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.tally.jobs.adclick.AdClickTables;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdCount;
import dev.tally.schema.adclick.AdCountryCount;
import dev.tally.schema.adclick.TopAds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ad-click result rows of one keyspace (live or a replay's) within a time range, keyed the way
 * reconciliation compares them. Reconciliation is a batch comparison, so it reads whole tables and
 * keeps the range; the dashboard's queries never do this.
 */
final class ResultTables {

    /** (ad, filter, minute). */
    record CountKey(String adId, int filterId, long minute) {
        @Override
        public String toString() {
            return adId + " filter " + filterId + " minute " + Instant.ofEpochMilli(minute);
        }
    }

    /** (ad, minute, country). */
    record CountryKey(String adId, long minute, String country) {
        @Override
        public String toString() {
            return adId + " country " + country + " minute " + Instant.ofEpochMilli(minute);
        }
    }

    /** (filter, window size, window end). */
    record WindowKey(int filterId, int windowMinutes, long windowEnd) {
        @Override
        public String toString() {
            return "filter " + filterId + " " + windowMinutes + "-min window ending " + Instant.ofEpochMilli(windowEnd);
        }
    }

    /** A top-N row: window start and its ranked ads with counts. */
    record TopRow(long windowStart, List<String> adIds, List<Long> counts) {}

    final Map<CountKey, Long> counts = new HashMap<>();
    final Map<CountryKey, Long> countryCounts = new HashMap<>();
    final Map<WindowKey, TopRow> topAds = new HashMap<>();

    static ResultTables read(CqlSession session, String keyspace, Instant from, Instant to) {
        long f = from.toEpochMilli();
        long t = to.toEpochMilli();
        ResultTables tables = new ResultTables();
        for (Row row : rows(session, AdClickTables.COUNTS.selectCql(keyspace))) {
            AdClickCount c = AdClickTables.COUNTS.read(row);
            if (c.getClickMinute() >= f && c.getClickMinute() < t) {
                tables.counts.put(new CountKey(c.getAdId(), c.getFilterId(), c.getClickMinute()), c.getCount());
            }
        }
        for (Row row : rows(session, AdClickTables.COUNTRY_COUNTS.selectCql(keyspace))) {
            AdCountryCount c = AdClickTables.COUNTRY_COUNTS.read(row);
            if (c.getClickMinute() >= f && c.getClickMinute() < t) {
                tables.countryCounts.put(new CountryKey(c.getAdId(), c.getClickMinute(), c.getCountry()), c.getCount());
            }
        }
        for (Row row : rows(session, AdClickTables.TOP_ADS.selectCql(keyspace))) {
            TopAds top = AdClickTables.TOP_ADS.read(row);
            // Only windows wholly inside the range: the others depend on clicks outside it.
            if (top.getWindowStart() >= f && top.getWindowEnd() <= t) {
                tables.topAds.put(
                        new WindowKey(top.getFilterId(), top.getWindowMinutes(), top.getWindowEnd()),
                        new TopRow(
                                top.getWindowStart(),
                                top.getAds().stream().map(AdCount::getAdId).toList(),
                                top.getAds().stream().map(AdCount::getCount).toList()));
            }
        }
        return tables;
    }

    /** The top-N list of a window as the job writes it. */
    static TopAds topAds(WindowKey key, TopRow row) {
        List<AdCount> ads = new ArrayList<>(row.adIds().size());
        for (int i = 0; i < row.adIds().size(); i++) {
            ads.add(new AdCount(row.adIds().get(i), row.counts().get(i)));
        }
        return new TopAds(key.filterId(), key.windowMinutes(), row.windowStart(), key.windowEnd(), ads);
    }

    private static Iterable<Row> rows(CqlSession session, String cql) {
        return session.execute(SimpleStatement.newInstance(cql).setPageSize(5000));
    }
}
