package dev.tally.dashboard;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.jobs.adclick.AdClickTables;
import dev.tally.schema.adclick.AdClickCount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ad queries, each a prepared statement that reads one partition: a slice of
 * {@code ad_click_counts} for an (ad, filter), or the one {@code top_ads_latest} row of a
 * (filter, window size).
 */
final class AdQueries {

    private static final String ONE_SLICE =
            " WHERE ad_id = ? AND filter_id = ? AND click_minute >= ? AND click_minute < ?";
    static final String COUNT = "SELECT sum(count) FROM " + AdClickTables.COUNTS.name() + ONE_SLICE;
    static final String SERIES = AdClickTables.COUNTS.selectCql() + ONE_SLICE;
    static final String LATEST_TOP =
            AdClickTables.TOP_ADS_LATEST.selectCql() + " WHERE filter_id = ? AND window_minutes = ?";

    /** An ad and its count. */
    record AdCount(String adId, long count) {}

    /** The top ads of the latest complete window. */
    record TopAds(Instant windowStart, Instant windowEnd, List<AdCount> ads) {}

    private final CassandraSessions cassandra;
    private final Map<CqlSession, Map<String, PreparedStatement>> prepared = new ConcurrentHashMap<>();

    AdQueries(CassandraSessions cassandra) {
        this.cassandra = cassandra;
    }

    long count(String adId, int filter, Instant from, Instant to) {
        return cassandra.query(session -> {
            Row row = session.execute(statement(session, COUNT).bind(adId, filter, from, to))
                    .one();
            return row == null || row.isNull(0) ? 0L : row.getLong(0);
        });
    }

    /** Per-minute counts in [from, to), ascending; minutes without a row are absent. */
    Map<Instant, Long> series(String adId, int filter, Instant from, Instant to) {
        return cassandra.query(session -> {
            Map<Instant, Long> points = new java.util.TreeMap<>();
            for (Row row : session.execute(statement(session, SERIES).bind(adId, filter, from, to))) {
                AdClickCount count = AdClickTables.COUNTS.read(row);
                points.put(Instant.ofEpochMilli(count.getClickMinute()), count.getCount());
            }
            return points;
        });
    }

    /** The latest complete window's top ads, at most {@code count}; null when none was written yet. */
    TopAds latestTop(int filter, int window, int count) {
        return cassandra.query(session -> {
            Row row = session.execute(statement(session, LATEST_TOP).bind(filter, window))
                    .one();
            if (row == null) {
                return null;
            }
            dev.tally.schema.adclick.TopAds top = AdClickTables.TOP_ADS_LATEST.read(row);
            List<AdCount> ads = new ArrayList<>();
            for (var ad : top.getAds().subList(0, Math.min(count, top.getAds().size()))) {
                ads.add(new AdCount(ad.getAdId(), ad.getCount()));
            }
            return new TopAds(
                    Instant.ofEpochMilli(top.getWindowStart()), Instant.ofEpochMilli(top.getWindowEnd()), ads);
        });
    }

    private PreparedStatement statement(CqlSession session, String cql) {
        return prepared.computeIfAbsent(session, s -> new ConcurrentHashMap<>()).computeIfAbsent(cql, session::prepare);
    }
}
