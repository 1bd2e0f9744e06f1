package dev.tally.reconciliation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Instant;
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
        for (Row row : rows(session, "SELECT ad_id, filter_id, click_minute, count FROM " + keyspace + ".ad_click_counts")) {
            long minute = row.getInstant(2).toEpochMilli();
            if (minute >= f && minute < t) {
                tables.counts.put(new CountKey(row.getString(0), row.getInt(1), minute), row.getLong(3));
            }
        }
        for (Row row : rows(session, "SELECT ad_id, click_minute, country, count FROM " + keyspace + ".ad_country_counts")) {
            long minute = row.getInstant(1).toEpochMilli();
            if (minute >= f && minute < t) {
                tables.countryCounts.put(new CountryKey(row.getString(0), minute, row.getString(2)), row.getLong(3));
            }
        }
        for (Row row :
                rows(session, "SELECT filter_id, window_minutes, window_end, window_start, ad_ids, counts FROM " + keyspace + ".top_ads")) {
            long start = row.getInstant(3).toEpochMilli();
            long end = row.getInstant(2).toEpochMilli();
            // Only windows wholly inside the range: the others depend on clicks outside it.
            if (start >= f && end <= t) {
                tables.topAds.put(
                        new WindowKey(row.getInt(0), row.getInt(1), end),
                        new TopRow(start, row.getList(4, String.class), row.getList(5, Long.class)));
            }
        }
        return tables;
    }

    private static Iterable<Row> rows(CqlSession session, String cql) {
        return session.execute(SimpleStatement.newInstance(cql).setPageSize(5000));
    }
}
