package dev.tally.dashboard;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
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

    static final String COUNT =
            "SELECT sum(count) FROM ad_click_counts WHERE ad_id = ? AND filter_id = ? AND click_minute >= ? AND click_minute < ?";
    static final String SERIES =
            "SELECT click_minute, count FROM ad_click_counts WHERE ad_id = ? AND filter_id = ? AND click_minute >= ? AND click_minute < ?";
    static final String LATEST_TOP =
            "SELECT window_start, window_end, ad_ids, counts FROM top_ads_latest WHERE filter_id = ? AND window_minutes = ?";

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
        return cassandra.query(
                session -> {
                    Row row = session.execute(statement(session, COUNT).bind(adId, filter, from, to)).one();
                    return row == null || row.isNull(0) ? 0L : row.getLong(0);
                });
    }

    /** Per-minute counts in [from, to), ascending; minutes without a row are absent. */
    Map<Instant, Long> series(String adId, int filter, Instant from, Instant to) {
        return cassandra.query(
                session -> {
                    Map<Instant, Long> points = new java.util.TreeMap<>();
                    for (Row row : session.execute(statement(session, SERIES).bind(adId, filter, from, to))) {
                        points.put(row.getInstant(0), row.getLong(1));
                    }
                    return points;
                });
    }

    /** The latest complete window's top ads, at most {@code count}; null when none was written yet. */
    TopAds latestTop(int filter, int window, int count) {
        return cassandra.query(
                session -> {
                    Row row = session.execute(statement(session, LATEST_TOP).bind(filter, window)).one();
                    if (row == null) {
                        return null;
                    }
                    List<String> ids = row.getList(2, String.class);
                    List<Long> counts = row.getList(3, Long.class);
                    List<AdCount> ads = new ArrayList<>();
                    for (int i = 0; i < Math.min(count, ids.size()); i++) {
                        ads.add(new AdCount(ids.get(i), counts.get(i)));
                    }
                    return new TopAds(row.getInstant(0), row.getInstant(1), ads);
                });
    }

    private PreparedStatement statement(CqlSession session, String cql) {
        return prepared.computeIfAbsent(session, s -> new ConcurrentHashMap<>()).computeIfAbsent(cql, session::prepare);
    }
}
