package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.jobs.leaderboard.LeaderboardTables;
import dev.tally.jobs.leaderboard.PlayerName;
import dev.tally.jobs.leaderboard.functions.PlayerPosition;
import dev.tally.jobs.metrics.MetricsTables;
import dev.tally.jobs.metrics.functions.SeriesKeys;
import dev.tally.jobs.salesrank.SalesRankTables;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import dev.tally.schema.metrics.AlertEvent;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricRollup;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.RankedProduct;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The web page in headless Chromium over seeded rows: each job's tab shows them. */
@ExtendWith(RealServicesExtension.class)
class DashboardPageITCase {

    private static final String CHROMIUM = "/usr/bin/chromium";

    @TempDir
    Path dir;

    @Test
    void pageShowsTheSeededTopAdsAndSeries(TestCassandra cassandra) throws Exception {
        // CI installs Chromium (test.sh); elsewhere the test says why it did not run.
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || new File(CHROMIUM).canExecute(), "Debian's chromium is not installed");
        assertThat(new File(CHROMIUM).canExecute())
                .as("chromium must be installed in CI")
                .isTrue();

        String keyspace = cassandra.newKeyspace();
        CqlSession session = cassandra.session();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        long[] perMinute = {3, 0, 7, 5};
        for (int i = 0; i < perMinute.length; i++) {
            if (perMinute[i] > 0) {
                session.execute(
                        "INSERT INTO " + keyspace
                                + ".ad_click_counts (ad_id, filter_id, click_minute, count) VALUES (?, ?, ?, ?)",
                        "ad-seed-1",
                        0,
                        now.minus(perMinute.length - i, ChronoUnit.MINUTES),
                        perMinute[i]);
            }
        }
        session.execute(
                "INSERT INTO " + keyspace
                        + ".ad_click_counts (ad_id, filter_id, click_minute, count) VALUES (?, ?, ?, ?)",
                "ad-seed-2",
                0,
                now.minus(2, ChronoUnit.MINUTES),
                4L);
        session.execute(
                "INSERT INTO " + keyspace
                        + ".top_ads_latest (filter_id, window_minutes, window_end, window_start, ad_ids, counts)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                0,
                1,
                now,
                now.minus(1, ChronoUnit.MINUTES),
                List.of("ad-seed-1", "ad-seed-2"),
                List.of(15L, 4L));

        try (DashboardServer server = DashboardServer.start(new DashboardServer.Config(
                "127.0.0.1",
                0,
                cassandra.contactPoint(),
                cassandra.localDatacenter(),
                keyspace,
                List.of(1, 5, 60),
                100,
                Map.of(1, "us", 2, "non-us")))) {
            String dom = render("http://127.0.0.1:" + server.port() + "/");

            assertThat(rows(dom)).containsExactly("1|ad-seed-1|15", "2|ad-seed-2|4");
            assertThat(dom).contains("data-ad=\"ad-seed-1\"").contains("data-ad=\"ad-seed-2\"");
            assertThat(total(dom, "ad-seed-1")).isEqualTo(15);
            assertThat(total(dom, "ad-seed-2")).isEqualTo(4);
            assertThat(dom).contains("ad-seed-1 (15)");
            // Filters by their names from the job's filters file, and the window the list is of.
            assertThat(dom)
                    .contains(
                            "<option value=\"0\">all clicks</option>",
                            "<option value=\"1\">us (1)</option>",
                            "<option value=\"2\">non-us (2)</option>");
            assertThat(dom)
                    .contains("1 min ending " + now.toString().replace("T", " ").replace(":00Z", " UTC"));
        }
    }

    @Test
    void leaderboardTabShowsTheTopPlayersAndAPlayersRankAndNeighbours(TestCassandra cassandra) throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || new File(CHROMIUM).canExecute(), "Debian's chromium is not installed");

        String keyspace = cassandra.newKeyspace();
        CqlSession session = cassandra.session();
        Instant now = Instant.now();
        String tournament = "chess#" + java.time.YearMonth.from(now.atZone(java.time.ZoneOffset.UTC));
        long t = now.toEpochMilli();
        for (LeaderboardUpdate u : List.of(
                new LeaderboardUpdate(tournament, "ann", 7L, t - 5),
                new LeaderboardUpdate(tournament, "bob", 2L, t - 4),
                new LeaderboardUpdate(tournament, "cid", 2L, t - 3))) {
            insert(session, keyspace, LeaderboardTables.PLAYER_SCORES, u);
            insert(
                    session,
                    keyspace,
                    LeaderboardTables.SCORE_ORDER,
                    new PlayerPosition(tournament, u.getScore(), u.getReachedAt(), u.getUserId(), true, 1));
        }
        // ann and bob have display names (bob's with a comma), cid none.
        insert(session, keyspace, LeaderboardTables.PLAYER_NAMES, new PlayerName("ann", "Ann Lee", t));
        insert(session, keyspace, LeaderboardTables.PLAYER_NAMES, new PlayerName("bob", "Bob, Jr.", t));
        insert(session, keyspace, LeaderboardTables.SCORE_HISTOGRAM, new ScoreBucket(tournament, 7L, 1L, 0L));
        insert(session, keyspace, LeaderboardTables.SCORE_HISTOGRAM, new ScoreBucket(tournament, 2L, 2L, 1L));
        insert(
                session,
                keyspace,
                LeaderboardTables.TOP_PLAYERS,
                new TopPlayers(
                        tournament,
                        t,
                        true,
                        List.of(
                                new RankedPlayer("ann", 7L, 1L, t - 5),
                                new RankedPlayer("bob", 2L, 2L, t - 4),
                                new RankedPlayer("cid", 2L, 2L, t - 3))));

        try (DashboardServer server = DashboardServer.start(new DashboardServer.Config(
                "127.0.0.1",
                0,
                cassandra.contactPoint(),
                cassandra.localDatacenter(),
                keyspace,
                List.of(1),
                100,
                Map.of()))) {
            String dom = render("http://127.0.0.1:" + server.port() + "/?user=bob#leaderboard");

            int around = dom.indexOf("id=\"lb-around\"");
            assertThat(around).as("the player's neighbours are shown").isPositive();
            assertThat(rankedRows(dom.substring(0, around)))
                    .containsExactly("1|ann|Ann Lee (ann)|7", "2|bob|Bob, Jr. (bob)|2", "2|cid|cid|2");
            assertThat(dom).contains(tournament + " as of ").contains("3 players");
            assertThat(dom).contains("Bob, Jr. (bob): score 2, rank 2 of 3");
            // bob among its neighbours, marked: ann above, cid (who reached 2 after bob) below.
            assertThat(rankedRows(dom.substring(around)))
                    .containsExactly("1|ann|Ann Lee (ann)|7", "2|bob|Bob, Jr. (bob)|2 (me)", "2|cid|cid|2");
        }
    }

    @Test
    void salesRankTabShowsACategorysBestSellers(TestCassandra cassandra) throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || new File(CHROMIUM).canExecute(), "Debian's chromium is not installed");

        String keyspace = cassandra.newKeyspace();
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        insert(
                cassandra.session(),
                keyspace,
                SalesRankTables.SALES_RANK,
                new CategoryBestSellers(
                        "category1",
                        hour.toEpochMilli(),
                        List.of(
                                new RankedProduct("product2", 3L, 1),
                                new RankedProduct("product1", 2L, 2),
                                new RankedProduct("product4", 1L, 3))));

        try (DashboardServer server = DashboardServer.start(new DashboardServer.Config(
                "127.0.0.1",
                0,
                cassandra.contactPoint(),
                cassandra.localDatacenter(),
                keyspace,
                List.of(1),
                100,
                Map.of()))) {
            String dom = render("http://127.0.0.1:" + server.port() + "/?category=category1#sales-rank");

            List<String> rows = new ArrayList<>();
            Matcher row = Pattern.compile(
                            "<tr data-product=\"([^\"]*)\"><td>(\\d+)</td><td>[^<]*</td><td class=\"num\">([^<]*)</td>")
                    .matcher(dom);
            while (row.find()) {
                rows.add(row.group(2) + "|" + row.group(1) + "|" + row.group(3));
            }
            assertThat(rows).containsExactly("1|product2|3", "2|product1|2", "3|product4|1");
            assertThat(dom)
                    .contains("category1, the week ending "
                            + hour.toString().replace("T", " ").replace(":00Z", " UTC"));
        }
    }

    /** rank|user|score of each player row, with " (me)" on the looked-up player's. */
    private static List<String> rankedRows(String dom) {
        List<String> rows = new ArrayList<>();
        Matcher row = Pattern.compile(
                        "<tr data-user=\"([^\"]*)\"( class=\"me\")?><td>(\\d+)</td><td>([^<]*)</td><td class=\"num\">([^<]*)</td>")
                .matcher(dom);
        while (row.find()) {
            rows.add(row.group(3) + "|" + row.group(1) + "|" + row.group(4) + "|" + row.group(5)
                    + (row.group(2) != null ? " (me)" : ""));
        }
        return rows;
    }

    @Test
    void metricsTabChartsTheMatchingSeriesAndTheirLatestValues(TestCassandra cassandra) throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || new File(CHROMIUM).canExecute(), "Debian's chromium is not installed");

        String keyspace = cassandra.newKeyspace();
        CqlSession session = cassandra.session();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        MetricRows metricRows = new MetricRows(session, keyspace);
        String web01 = "cpu.load{host=\"web01\"}";
        String web02 = "cpu.load{host=\"web02\"}";
        // web01: averages 2 then 4 (samples 3 and 5, the last 5); web02: one sample of 7; another metric beside them.
        metricRows.minute(gauge(web01, now.minus(3, ChronoUnit.MINUTES), 1, 2, 2, 2));
        metricRows.minute(gauge(web01, now.minus(2, ChronoUnit.MINUTES), 2, 8, 3, 5));
        metricRows.minute(gauge(web02, now.minus(2, ChronoUnit.MINUTES), 1, 7, 7, 7));
        metricRows.minute(gauge("disk.used{host=\"web01\"}", now.minus(2, ChronoUnit.MINUTES), 1, 1, 1, 1));
        insert(
                session,
                keyspace,
                MetricsTables.ALERT_STATE,
                alert("HostOverloaded", "web02", "RESOLVED", now.minus(1, ChronoUnit.MINUTES)));
        insert(session, keyspace, MetricsTables.ALERT_STATE, alert("HostOverloaded", "web01", "FIRING", now));

        try (DashboardServer server = DashboardServer.start(new DashboardServer.Config(
                "127.0.0.1",
                0,
                cassandra.contactPoint(),
                cassandra.localDatacenter(),
                keyspace,
                List.of(1),
                100,
                Map.of()))) {
            String dom = render("http://127.0.0.1:" + server.port() + "/#metrics");

            // The names from the server's series list, the first chosen.
            assertThat(dom)
                    .contains(
                            "<option value=\"cpu.load\">cpu.load</option>",
                            "<option value=\"disk.used\">disk.used</option>");
            List<String> rows = new ArrayList<>();
            Matcher row = Pattern.compile(
                            "<tr data-series=\"[^\"]*\"><td>([^<]*)</td><td class=\"num\">([^<]*)</td><td>[^<]*</td><td class=\"num\">([^<]*)</td></tr>")
                    .matcher(dom);
            while (row.find()) {
                rows.add(row.group(1) + "|" + row.group(2) + "|" + row.group(3));
            }
            // Series, last sample, latest step's average.
            assertThat(rows).containsExactly(web01 + "|5|4", web02 + "|7|7");
            assertThat(dom)
                    .contains("data-series=\"cpu.load{host=&quot;web01&quot;}\" data-points=\"2\" data-last=\"4\"");
            assertThat(dom)
                    .contains("data-series=\"cpu.load{host=&quot;web02&quot;}\" data-points=\"1\" data-last=\"7\"");
            assertThat(dom).contains("2 series of cpu.load").doesNotContain("disk.used{");
            // The alerts, the firing one first.
            List<String> alerts = new ArrayList<>();
            Matcher alert = Pattern.compile(
                            "<tr data-alert=\"[^\"]*\" data-state=\"([A-Z]+)\" class=\"[^\"]*\"><td>([^<]*)</td><td>([^<]*)</td>")
                    .matcher(dom);
            while (alert.find()) {
                alerts.add(alert.group(2) + "|" + alert.group(3) + "|" + alert.group(1));
            }
            assertThat(alerts)
                    .containsExactly(
                            "HostOverloaded|host=web01, severity=page|FIRING",
                            "HostOverloaded|host=web02, severity=page|RESOLVED");
            assertThat(dom).contains("1 active of 2");
        }
    }

    private static MetricRollup gauge(String key, Instant start, long count, double sum, double first, double last) {
        long t = start.toEpochMilli();
        SeriesKeys.Series series = SeriesKeys.parse(key);
        return MetricRollup.newBuilder()
                .setSeriesKey(key)
                .setName(series.name())
                .setLabels(series.labels())
                .setKind(MetricKind.GAUGE)
                .setResolution(MetricsTables.MINUTE)
                .setBucketStart(t)
                .setCount(count)
                .setSum(sum)
                .setMin(Math.min(first, last))
                .setMax(Math.max(first, last))
                .setFirst(first)
                .setFirstTs(t + 1_000)
                .setLast(last)
                .setLastTs(t + 59_000)
                .build();
    }

    private static AlertEvent alert(String name, String host, String state, Instant at) {
        return AlertEvent.newBuilder()
                .setAlert(name)
                .setLabels(Map.of("host", host, "severity", "page"))
                .setState(state)
                .setSeverity("page")
                .setValue(0.96875)
                .setThreshold(0.9)
                .setActiveSince(at.minus(3, ChronoUnit.MINUTES).toEpochMilli())
                .setTs(at.toEpochMilli())
                .build();
    }

    private static <T> void insert(CqlSession session, String keyspace, ResultTable<T> table, T record) {
        session.execute(session.prepare(table.insertCql(keyspace)).bind(table.insertValues(record)));
    }

    /** Loads the page in headless Chromium, lets its scripts run, and returns the resulting DOM. */
    private String render(String url) throws Exception {
        Path out = dir.resolve("dom.html");
        Process chromium = new ProcessBuilder(
                        CHROMIUM,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--user-data-dir=" + dir.resolve("profile"),
                        "--virtual-time-budget=10000",
                        "--dump-dom",
                        url)
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("chromium.log").toFile())
                .start();
        if (!chromium.waitFor(90, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new AssertionError("chromium did not finish");
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static List<String> rows(String dom) {
        List<String> rows = new ArrayList<>();
        Matcher row = Pattern.compile(
                        "<tr data-ad=\"[^\"]*\"><td>(\\d+)</td><td>([^<]*)</td><td class=\"num\">([^<]*)</td></tr>")
                .matcher(dom);
        while (row.find()) {
            rows.add(row.group(1) + "|" + row.group(2) + "|" + row.group(3).replace(",", ""));
        }
        return rows;
    }

    private static long total(String dom, String ad) {
        Matcher m = Pattern.compile("data-ad=\"" + Pattern.quote(ad) + "\" data-total=\"(\\d+)\"")
                .matcher(dom);
        assertThat(m.find()).as("chart line of " + ad).isTrue();
        return Long.parseLong(m.group(1));
    }
}
