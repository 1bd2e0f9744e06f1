package dev.tally.jobs.adclick;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdCount;
import dev.tally.schema.adclick.AdCountryCount;
import dev.tally.schema.adclick.TopAds;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdClickTablesTest {

    private static final long END = Instant.parse("2026-11-23T00:05:00Z").toEpochMilli();
    private static final TopAds TOP =
            new TopAds(1, 5, END - 300_000, END, List.of(new AdCount("ad1", 9L), new AdCount("ad2", 4L)));

    @Test
    void rowsHoldEachFieldInItsColumn() {
        long minute = END - 60_000;
        assertThat(AdClickTables.COUNTS.row(new AdClickCount("ad1", 2, minute, 17L)))
                .containsExactly("ad1", 2, Instant.ofEpochMilli(minute), 17L);
        assertThat(AdClickTables.COUNTRY_COUNTS.row(new AdCountryCount("ad1", minute, "FR", 3L)))
                .containsExactly("ad1", Instant.ofEpochMilli(minute), "FR", 3L);
        assertThat(AdClickTables.TOP_ADS.row(TOP))
                .containsExactly(
                        1,
                        5,
                        LocalDate.parse("2026-11-23"),
                        Instant.ofEpochMilli(END),
                        Instant.ofEpochMilli(END - 300_000),
                        List.of("ad1", "ad2"),
                        List.of(9L, 4L));
        assertThat(AdClickTables.TOP_ADS_LATEST.insertValues(TOP))
                .containsExactly(
                        1,
                        5,
                        Instant.ofEpochMilli(END),
                        Instant.ofEpochMilli(END - 300_000),
                        List.of("ad1", "ad2"),
                        List.of(9L, 4L),
                        END * 1000);
    }

    @Test
    void statementsAreDerivedFromTheColumns() {
        assertThat(AdClickTables.COUNTS.insertCql())
                .isEqualTo("INSERT INTO ad_click_counts (ad_id, filter_id, click_minute, count) VALUES (?, ?, ?, ?)");
        assertThat(AdClickTables.TOP_ADS_LATEST.insertCql("ks"))
                .isEqualTo(
                        "INSERT INTO ks.top_ads_latest (filter_id, window_minutes, window_end, window_start, ad_ids, counts)"
                                + " VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
        assertThat(AdClickTables.COUNTRY_COUNTS.deleteCql("ks"))
                .isEqualTo("DELETE FROM ks.ad_country_counts WHERE ad_id = ? AND click_minute = ? AND country = ?");
        assertThat(AdClickTables.TOP_ADS.selectCql("ks"))
                .isEqualTo(
                        "SELECT filter_id, window_minutes, day, window_end, window_start, ad_ids, counts FROM ks.top_ads");
        assertThat(AdClickTables.TOP_ADS.key(TOP))
                .containsExactly(1, 5, LocalDate.parse("2026-11-23"), Instant.ofEpochMilli(END));
        assertThat(AdClickTables.COUNTS.upsert().cql()).isEqualTo(AdClickTables.COUNTS.insertCql());
    }

    @Test
    void aReplayRecalculatesTheCountsOfItsMinutesAndTheListsOfWindowsInsideIt() {
        long from = END - 300_000;
        assertThat(AdClickTables.COUNTS.range().orElseThrow().inRange(new AdClickCount("a", 0, from, 1L), from, END))
                .isTrue();
        assertThat(AdClickTables.COUNTS.range().orElseThrow().inRange(new AdClickCount("a", 0, END, 1L), from, END))
                .isFalse();
        assertThat(AdClickTables.TOP_ADS.range().orElseThrow().inRange(TOP, from, END))
                .isTrue();
        assertThat(AdClickTables.TOP_ADS.range().orElseThrow().inRange(TOP, from + 60_000, END))
                .isFalse();
        assertThat(AdClickTables.TOP_ADS_LATEST.range()).isEmpty();
        assertThat(AdClickTables.TOP_ADS_LATEST.latestOf()).contains("top_ads");
        assertThat(AdClickTables.TOP_ADS.selectTokenRangeCql("ks"))
                .endsWith(
                        " FROM ks.top_ads WHERE token(filter_id, window_minutes, day) > ? AND token(filter_id, window_minutes, day) <= ?");
        assertThat(AdClickTables.COUNTS.measure(new AdClickCount("a", 0, from, 7L)))
                .isEqualTo(7);
        assertThat(AdClickTables.TOP_ADS.measure(TOP)).isEqualTo(1);
    }
}
