package dev.tally.jobs.adclick;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdCount;
import dev.tally.schema.adclick.AdCountryCount;
import dev.tally.schema.adclick.TopAds;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The ad-click job's Cassandra tables (created by {@code cql/10-adclick.cql}), each defined once:
 * the sinks, the replay, reconciliation, promotion, the verifier and the dashboard all use these.
 * No Flink class is touched here, so tools without Flink on their class path can use it.
 */
public final class AdClickTables {

    /** Clicks per ad, filter and minute; one partition per (ad, filter). */
    public static final ResultTable<AdClickCount> COUNTS = ResultTable.of(
                    "ad_click_counts",
                    2,
                    List.of("ad_id", "filter_id", "click_minute"),
                    List.of("count"),
                    c -> new Object[] {
                        c.getAdId(), c.getFilterId(), Instant.ofEpochMilli(c.getClickMinute()), c.getCount()
                    },
                    AdClickTables::readCount)
            .withRange((c, from, to) -> c.getClickMinute() >= from && c.getClickMinute() < to)
            .withMeasure(AdClickCount::getCount)
            .withCorrections("counts-topic", AdClickCount.class, AdClickCount::getAdId);

    /** Clicks per ad, minute and country: the star schema's country dimension. */
    public static final ResultTable<AdCountryCount> COUNTRY_COUNTS = ResultTable.of(
                    "ad_country_counts",
                    1,
                    List.of("ad_id", "click_minute", "country"),
                    List.of("count"),
                    c -> new Object[] {
                        c.getAdId(), Instant.ofEpochMilli(c.getClickMinute()), c.getCountry(), c.getCount()
                    },
                    AdClickTables::readCountryCount)
            .withRange((c, from, to) -> c.getClickMinute() >= from && c.getClickMinute() < to)
            .withMeasure(AdCountryCount::getCount);

    /**
     * Every top-N list, partitioned by the UTC day of its window end. A replay recalculates exactly
     * the windows wholly inside its range: the others depend on clicks outside it.
     */
    public static final ResultTable<TopAds> TOP_ADS = ResultTable.of(
                    "top_ads",
                    3,
                    List.of("filter_id", "window_minutes", "day", "window_end"),
                    List.of("window_start", "ad_ids", "counts"),
                    t -> new Object[] {
                        t.getFilterId(),
                        t.getWindowMinutes(),
                        LocalDate.ofInstant(Instant.ofEpochMilli(t.getWindowEnd()), ZoneOffset.UTC),
                        Instant.ofEpochMilli(t.getWindowEnd()),
                        Instant.ofEpochMilli(t.getWindowStart()),
                        adIds(t),
                        counts(t)
                    },
                    AdClickTables::readTopAds)
            .withRange((t, from, to) -> t.getWindowStart() >= from && t.getWindowEnd() <= to)
            .withCorrections("top-topic", TopAds.class, AdClickTables::rankingKey);

    /**
     * The newest list per (filter, window size). The write timestamp is the window end, so the newest
     * window wins whatever order writes arrive in.
     */
    public static final ResultTable<TopAds> TOP_ADS_LATEST = ResultTable.of(
                    "top_ads_latest",
                    2,
                    List.of("filter_id", "window_minutes"),
                    List.of("window_end", "window_start", "ad_ids", "counts"),
                    t -> new Object[] {
                        t.getFilterId(),
                        t.getWindowMinutes(),
                        Instant.ofEpochMilli(t.getWindowEnd()),
                        Instant.ofEpochMilli(t.getWindowStart()),
                        adIds(t),
                        counts(t)
                    },
                    AdClickTables::readTopAds)
            .withWriteTimestamp(t -> t.getWindowEnd() * 1000)
            .latestOf(TOP_ADS);

    public static final List<ResultTable<?>> ALL = List.of(COUNTS, COUNTRY_COUNTS, TOP_ADS, TOP_ADS_LATEST);

    private AdClickTables() {}

    /** The Kafka key of a top-N list: its ranking, so one ranking's lists stay in order on one partition. */
    static String rankingKey(TopAds t) {
        return t.getFilterId() + ":" + t.getWindowMinutes();
    }

    private static AdClickCount readCount(Row row) {
        return new AdClickCount(
                row.getString("ad_id"),
                row.getInt("filter_id"),
                row.getInstant("click_minute").toEpochMilli(),
                row.getLong("count"));
    }

    private static AdCountryCount readCountryCount(Row row) {
        return new AdCountryCount(
                row.getString("ad_id"),
                row.getInstant("click_minute").toEpochMilli(),
                row.getString("country"),
                row.getLong("count"));
    }

    private static TopAds readTopAds(Row row) {
        List<String> ids = row.getList("ad_ids", String.class);
        List<Long> counts = row.getList("counts", Long.class);
        List<AdCount> ads = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            ads.add(new AdCount(ids.get(i), counts.get(i)));
        }
        return new TopAds(
                row.getInt("filter_id"),
                row.getInt("window_minutes"),
                row.getInstant("window_start").toEpochMilli(),
                row.getInstant("window_end").toEpochMilli(),
                ads);
    }

    private static List<String> adIds(TopAds t) {
        return t.getAds().stream().map(AdCount::getAdId).toList();
    }

    private static List<Long> counts(TopAds t) {
        return t.getAds().stream().map(AdCount::getCount).toList();
    }
}
