package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.jobs.metrics.MetricsTables;
import dev.tally.jobs.metrics.alerts.AlertEvents;
import dev.tally.jobs.metrics.functions.SeriesKeys;
import dev.tally.jobs.metrics.functions.ValueSketches;
import dev.tally.schema.metrics.AlertEvent;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricRollup;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The metrics API against the real Cassandra, over rollup rows written as the job's sinks write them. */
@ExtendWith(RealServicesExtension.class)
class MetricsApiITCase {

    /**
     * Today's UTC midnight: rows are written with the job's time to live, counted from the real clock,
     * so their buckets must be recent; the minutes around it lie in two day partitions.
     */
    private static final Instant DAY = Instant.now().truncatedTo(ChronoUnit.DAYS);

    private static final Instant NOW = DAY.plus(1, ChronoUnit.HOURS);
    private static final Instant OLD = DAY.minus(40, ChronoUnit.DAYS);
    private static final String WEB01 = "cpu.load{host=\"web01\",region=\"us\"}";
    private static final String WEB02 = "cpu.load{host=\"web02\",region=\"eu\"}";
    private static final String ODD = SeriesKeys.of("cpu.load", Map.of("host", "db,1 \"x\""));
    private static final String IDLE = "cpu.load.idle{host=\"web01\"}";
    private static final String REQUESTS = "http_requests_total{code=\"200\"}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static DashboardServer server;

    @BeforeAll
    static void start(TestCassandra cassandra) throws Exception {
        String keyspace = cassandra.newKeyspace();
        CqlSession session = cassandra.session();
        MetricRows rows = new MetricRows(session, keyspace);
        // web01 across midnight: averages 10, 1, 4.5, 2 of 1, 3, 2, 1 samples.
        rows.minute(sketched(gauge(WEB01, "1m", minute(-2), 1, 10, 10, 10, 10, 10), 10));
        rows.minute(sketched(gauge(WEB01, "1m", minute(-1), 3, 3, 0.5, 1.5, 1.5, 0.5), 1.5, 1, 0.5));
        rows.minute(sketched(gauge(WEB01, "1m", minute(0), 2, 9, 4, 5, 4, 5), 4, 5));
        rows.minute(sketched(gauge(WEB01, "1m", minute(1), 1, 2, 2, 2, 2, 2), 2));
        rows.minute(gauge(WEB02, "1m", minute(-1), 1, 7, 7, 7, 7, 7));
        rows.minute(gauge("cpu.load", "1m", minute(-1), 1, 2, 2, 2, 2, 2));
        rows.minute(gauge(ODD, "1m", minute(-1), 1, 42, 42, 42, 42, 42));
        rows.minute(gauge(IDLE, "1m", minute(-1), 1, 99, 99, 99, 99, 99));
        // A counter that restarts from 0 right on the edge of 00:11 (130, then 5), and rises on the next edges.
        rows.minute(counter(REQUESTS, minute(10), 100, 130, 30));
        rows.minute(counter(REQUESTS, minute(11), 5, 25, 20));
        rows.minute(counter(REQUESTS, minute(12), 30, 40, 10));
        rows.minute(counter(REQUESTS, minute(13), 45, 50, 5));
        // The raw samples of those minutes of web01 and of the counter (at the rollups' first and last times).
        long[] firstMiddleLast = {1_000, 30_000, 59_000};
        long[] firstLast = {1_000, 59_000};
        rows.raw(WEB01, minute(-1).toEpochMilli(), false, firstMiddleLast, new double[] {1.5, 1, 0.5});
        rows.raw(WEB01, minute(0).toEpochMilli(), false, firstLast, new double[] {4, 5});
        rows.raw(REQUESTS, minute(10).toEpochMilli(), true, firstLast, new double[] {100, 130});
        rows.raw(REQUESTS, minute(11).toEpochMilli(), true, firstLast, new double[] {5, 25});
        // Hours of web01 from 40 days ago, when its minutes have expired: averages 2, 1, 5.
        ResultTable<MetricRollup> hours = MetricsTables.HOUR_ROLLUPS;
        insert(session, keyspace, hours, gauge(WEB01, "1h", OLD, 60, 120, 1, 3, 2, 2));
        insert(session, keyspace, hours, gauge(WEB01, "1h", OLD.plus(1, ChronoUnit.HOURS), 30, 30, 1, 1, 1, 1));
        insert(session, keyspace, hours, gauge(WEB01, "1h", OLD.plus(2, ChronoUnit.HOURS), 10, 50, 5, 5, 5, 5));
        // Alerts: one firing, one pending, one resolved; the firing one's history of two changes.
        insert(
                session,
                keyspace,
                MetricsTables.ALERT_STATE,
                alert("HostDown", Map.of("host", "db,1 \"x\""), "FIRING", minute(5), minute(2)));
        insert(
                session,
                keyspace,
                MetricsTables.ALERT_STATE,
                alert("HostOverloaded", Map.of("host", "web01"), "PENDING", minute(6), minute(6)));
        insert(
                session,
                keyspace,
                MetricsTables.ALERT_STATE,
                alert("HostOverloaded", Map.of("host", "web02"), "RESOLVED", minute(4), minute(1)));
        insert(
                session,
                keyspace,
                MetricsTables.ALERT_HISTORY,
                alert("HostDown", Map.of("host", "db,1 \"x\""), "PENDING", minute(2), minute(2)));
        insert(
                session,
                keyspace,
                MetricsTables.ALERT_HISTORY,
                alert("HostDown", Map.of("host", "db,1 \"x\""), "FIRING", minute(5), minute(2)));
        server = DashboardServer.start(
                new DashboardServer.Config(
                        "127.0.0.1",
                        0,
                        cassandra.contactPoint(),
                        cassandra.localDatacenter(),
                        keyspace,
                        List.of(1),
                        100,
                        Map.of()),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void minutesAcrossMidnightAreReadFromBothDays() throws Exception {
        JsonNode body = get(query("cpu.load", "match=host=web01&from=" + minute(-2) + "&to=" + minute(2)), 200);
        assertThat(body.path("resolution").asText()).isEqualTo("1m");
        assertThat(body.path("step").asText()).isEqualTo("PT1M");
        assertThat(body.path("agg").asText()).isEqualTo("avg");
        JsonNode series = only(body, WEB01);
        assertThat(times(series))
                .containsExactly(
                        minute(-2).toString(),
                        minute(-1).toString(),
                        minute(0).toString(),
                        minute(1).toString());
        assertThat(values(series)).containsExactly(10.0, 1.0, 4.5, 2.0);
        assertThat(series.path("labels").path("host").asText()).isEqualTo("web01");
        assertThat(series.path("kind").asText()).isEqualTo("GAUGE");
        assertThat(series.path("last").path("value").asDouble()).isEqualTo(2.0);
        assertThat(series.path("last").path("ts").asText())
                .isEqualTo(minute(1).plusSeconds(59).toString());
        // Epoch milliseconds mean the same instants.
        JsonNode epoch = get(
                query(
                        "cpu.load",
                        "match=host=web01&from=" + minute(-2).toEpochMilli() + "&to="
                                + minute(2).toEpochMilli()),
                200);
        assertThat(epoch.path("from").asText()).isEqualTo(minute(-2).toString());
        assertThat(values(only(epoch, WEB01))).containsExactly(10.0, 1.0, 4.5, 2.0);
        // Default: the hour before now, averages.
        assertThat(values(only(get(query("cpu.load", "match=host=web01"), 200), WEB01)))
                .containsExactly(4.5, 2.0);
    }

    @Test
    void aMergedStepsAverageIsItsSumOverItsCount() throws Exception {
        String range = "match=host=web01&from=" + minute(-2) + "&to=" + minute(2) + "&step=2m";
        JsonNode avg = only(get(query("cpu.load", range), 200), WEB01);
        assertThat(times(avg)).containsExactly(minute(-2).toString(), minute(0).toString());
        // (10 + 3) / (1 + 3) and (9 + 2) / (2 + 1); averages of the averages would be 5.5 and 3.25.
        assertThat(values(avg)).containsExactly(13.0 / 4, 11.0 / 3);
        assertThat(counts(avg)).containsExactly(4L, 3L);
        assertThat(values(only(get(query("cpu.load", range + "&agg=sum"), 200), WEB01)))
                .containsExactly(13.0, 11.0);
        assertThat(values(only(get(query("cpu.load", range + "&agg=min"), 200), WEB01)))
                .containsExactly(0.5, 2.0);
        assertThat(values(only(get(query("cpu.load", range + "&agg=max"), 200), WEB01)))
                .containsExactly(10.0, 5.0);
        assertThat(values(only(get(query("cpu.load", range + "&agg=count"), 200), WEB01)))
                .containsExactly(4.0, 3.0);
        assertThat(values(only(get(query("cpu.load", range + "&agg=last"), 200), WEB01)))
                .containsExactly(0.5, 2.0);
        JsonNode increase = only(get(query("cpu.load", range + "&agg=increase"), 200), WEB01);
        assertThat(increase.path("points").get(0).path("value").isNull())
                .as("a gauge has no increase")
                .isTrue();
        // Percentiles of the steps' merged sketches: of 0.5, 1, 1.5, 10 and of 2, 4, 5, within 1%.
        assertThat(values(only(get(query("cpu.load", range + "&agg=p50"), 200), WEB01)))
                .satisfiesExactly(
                        v -> assertThat(v).isCloseTo(1.0, within(0.01)),
                        v -> assertThat(v).isCloseTo(4.0, within(0.04)));
        assertThat(values(only(get(query("cpu.load", range + "&agg=p99"), 200), WEB01)))
                .satisfiesExactly(
                        v -> assertThat(v).isCloseTo(1.5, within(0.015)),
                        v -> assertThat(v).isCloseTo(4.0, within(0.04)));
        JsonNode unsketched = only(
                get(query("cpu.load", "match=host=web02&from=" + minute(-2) + "&to=" + minute(2) + "&agg=p50"), 200),
                WEB02);
        assertThat(unsketched.path("points").get(0).path("value").isNull())
                .as("a row without a sketch")
                .isTrue();
        // The same step as an ISO-8601 duration.
        assertThat(values(only(get(query("cpu.load", range.replace("2m", "PT2M")), 200), WEB01)))
                .containsExactly(13.0 / 4, 11.0 / 3);
    }

    @Test
    void aCountersIncreaseCountsAResetOnABucketEdge() throws Exception {
        String range = "from=" + minute(10) + "&to=" + minute(14) + "&agg=increase";
        JsonNode perMinute = only(get(query("http_requests_total", range), 200), REQUESTS);
        assertThat(perMinute.path("kind").asText()).isEqualTo("COUNTER");
        assertThat(values(perMinute)).as("each minute's own increase").containsExactly(30.0, 20.0, 10.0, 5.0);
        // 130 -> 5 across 00:11 is a reset: the pair adds 5; 25 -> 30 and 40 -> 45 add 5 each.
        assertThat(values(only(get(query("http_requests_total", range + "&step=2m"), 200), REQUESTS)))
                .containsExactly(30.0 + 5 + 20, 10.0 + 5 + 5);
        // Steps start at multiples of their length: 8 minutes from 00:08 hold all four.
        JsonNode all = only(get(query("http_requests_total", range + "&step=8m"), 200), REQUESTS);
        assertThat(times(all)).containsExactly(minute(8).toString());
        assertThat(values(all)).containsExactly(30.0 + 5 + 20 + 5 + 10 + 5 + 5);
    }

    @Test
    void labelsMatchExactlyAndOtherNamesStayOut() throws Exception {
        String range = "from=" + minute(-2) + "&to=" + minute(2);
        assertThat(keys(get(query("cpu.load", range), 200))).containsExactly("cpu.load", ODD, WEB01, WEB02);
        assertThat(keys(get(query("cpu.load", range + "&match=region=eu"), 200)))
                .containsExactly(WEB02);
        assertThat(keys(get(query("cpu.load", range + "&match=" + encode("host=\"db,1 \\\"x\\\"\"")), 200)))
                .containsExactly(ODD);
        assertThat(keys(get(query("cpu.load", range + "&match=host=web01,region=eu"), 200)))
                .isEmpty();
        // With labels, the smallest label value's partition of the index, filtered by every label.
        JsonNode byLabels = get(query("cpu.load", range + "&match=host=web02,region=eu"), 200);
        assertThat(keys(byLabels)).containsExactly(WEB02);
        assertThat(byLabels.path("index").path("table").asText()).isEqualTo("metric_series_by_label");
        assertThat(byLabels.path("index").path("rows_read").asInt()).isEqualTo(2); // one row under each label
        assertThat(byLabels.path("index").path("complete").asBoolean()).isTrue();
        // Series named by the caller: no lookup, and the matcher still applies.
        JsonNode named = get(query("cpu.load", range + "&series=" + encode(WEB02)), 200);
        assertThat(keys(named)).containsExactly(WEB02);
        assertThat(named.path("index").isNull()).isTrue();
        assertThat(keys(get(query("cpu.load", range + "&series=" + encode(WEB02) + "&match=host=web01"), 200)))
                .isEmpty();
    }

    @Test
    void theResolutionFollowsTheRangeAndTheMinutesRetention() throws Exception {
        assertThat(get(query("cpu.load", "from=" + DAY.minus(1, ChronoUnit.HOURS) + "&to=" + NOW), 200)
                        .path("resolution")
                        .asText())
                .isEqualTo("1m");
        assertThat(get(query("cpu.load", "from=" + DAY.minus(29, ChronoUnit.DAYS) + "&to=" + DAY + "&step=1h"), 200)
                        .path("resolution")
                        .asText())
                .isEqualTo("1m");
        assertThat(get(query("cpu.load", "from=" + DAY.minus(30, ChronoUnit.DAYS) + "&to=" + DAY), 200)
                        .path("resolution")
                        .asText())
                .isEqualTo("1h");
        // A short range whose minutes have expired is read from hours; the index still names the series.
        String old = "from=" + OLD + "&to=" + OLD.plus(3, ChronoUnit.HOURS);
        JsonNode hours = get(query("cpu.load", old), 200);
        assertThat(hours.path("resolution").asText()).isEqualTo("1h");
        assertThat(hours.path("step").asText()).isEqualTo("PT1H");
        assertThat(hours.path("index").path("table").asText()).isEqualTo("metric_series");
        assertThat(keys(hours)).containsExactly(WEB01);
        assertThat(values(only(hours, WEB01))).containsExactly(2.0, 1.0, 5.0);
        assertThat(values(only(get(query("cpu.load", old + "&step=2h"), 200), WEB01)))
                .containsExactly(150.0 / 90, 5.0);
        assertThat(get(query("cpu.load", "resolution=1h"), 200)
                        .path("resolution")
                        .asText())
                .isEqualTo("1h");
    }

    /** Steps under a minute read the raw samples; whole-minute steps over them equal the merged minutes. */
    @Test
    void stepsUnderAMinuteAreReadFromTheRawSamples() throws Exception {
        String web01 = "match=host=web01&from=" + minute(-1) + "&to=" + minute(1);
        JsonNode raw = get(query("cpu.load", web01 + "&step=20s"), 200);
        assertThat(raw.path("resolution").asText()).isEqualTo("raw");
        assertThat(raw.path("step").asText()).isEqualTo("PT20S");
        JsonNode series = only(raw, WEB01);
        assertThat(times(series))
                .containsExactly(
                        minute(-1).toString(),
                        minute(-1).plusSeconds(20).toString(),
                        minute(-1).plusSeconds(40).toString(),
                        minute(0).toString(),
                        minute(0).plusSeconds(40).toString());
        assertThat(values(series)).containsExactly(1.5, 1.0, 0.5, 4.0, 5.0);
        assertThat(series.path("last").path("value").asDouble()).isEqualTo(5.0);
        assertThat(series.path("last").path("ts").asText())
                .isEqualTo(minute(0).plusSeconds(59).toString());

        // A range that starts and ends inside minutes keeps only its samples.
        String inside = "match=host=web01&resolution=raw&step=10s&from="
                + minute(-1).plusSeconds(30) + "&to=" + minute(0).plusSeconds(30);
        assertThat(values(only(get(query("cpu.load", inside), 200), WEB01))).containsExactly(1.0, 0.5, 4.0);

        // Whole minutes of raw samples are the minutes' rollups, the counter's reset across their edge included.
        assertThat(values(only(get(query("cpu.load", web01 + "&resolution=raw&step=1m"), 200), WEB01)))
                .containsExactly(1.0, 4.5)
                .isEqualTo(values(only(get(query("cpu.load", web01 + "&step=1m"), 200), WEB01)));
        String counter = "from=" + minute(10) + "&to=" + minute(12) + "&step=2m&agg=increase";
        JsonNode rawIncrease = get(query("http_requests_total", counter + "&resolution=raw"), 200);
        assertThat(only(rawIncrease, REQUESTS).path("kind").asText()).isEqualTo("COUNTER");
        assertThat(values(only(rawIncrease, REQUESTS)))
                .containsExactly(55.0) // 30, then a restart to 5, then 20
                .isEqualTo(values(only(get(query("http_requests_total", counter), 200), REQUESTS)));
        // Percentiles of a step's own samples.
        assertThat(values(only(get(query("cpu.load", web01 + "&resolution=raw&step=1m&agg=p50"), 200), WEB01))
                        .get(0))
                .isCloseTo(1.0, within(0.01));
    }

    /** {@code by}: one entry per value of the labels, its steps aggregated across its series. */
    @Test
    void seriesAreAggregatedByLabels() throws Exception {
        String minute = "from=" + minute(-1) + "&to=" + minute(0);
        JsonNode sums = get(query("cpu.load", minute + "&by=region&agg=sum"), 200);
        assertThat(sums.path("by").get(0).asText()).isEqualTo("region");
        assertThat(keys(sums))
                .containsExactly("cpu.load{region=\"\"}", "cpu.load{region=\"eu\"}", "cpu.load{region=\"us\"}");
        // Without a region: the series without labels (2) and db,1 (42).
        assertThat(values(only(sums, "cpu.load{region=\"\"}"))).containsExactly(44.0);
        assertThat(only(sums, "cpu.load{region=\"\"}").path("series").asInt()).isEqualTo(2);
        assertThat(only(sums, "cpu.load{region=\"us\"}")
                        .path("labels")
                        .path("region")
                        .asText())
                .isEqualTo("us");
        // avg is the group's sum over its count of samples: (2 + 42) / 2, and web01's 3 / 3.
        JsonNode averages = get(query("cpu.load", minute + "&by=region"), 200);
        assertThat(values(only(averages, "cpu.load{region=\"\"}"))).containsExactly(22.0);
        assertThat(values(only(averages, "cpu.load{region=\"us\"}"))).containsExactly(1.0);
        // A label no series has: one group of them all, its count every sample of the minute.
        JsonNode everything = get(query("cpu.load", minute + "&by=nothing&agg=count"), 200);
        assertThat(keys(everything)).containsExactly("cpu.load{nothing=\"\"}");
        assertThat(values(only(everything, "cpu.load{nothing=\"\"}"))).containsExactly(6.0);
        assertThat(bad("/v1/metrics/cpu.load/series?by=region,9x", "by")).contains("not a label key");
    }

    /** A point lookup: each series' latest sample at or before the instant, within the lookback. */
    @Test
    void aPointIsTheLatestSampleAtOrBeforeTheInstant() throws Exception {
        String web01 = "/v1/metrics/cpu.load/point?match=host=web01&at=";
        JsonNode inMinute = get(web01 + minute(0).plusSeconds(30), 200);
        assertThat(inMinute.path("resolution").asText()).isEqualTo("raw");
        assertThat(inMinute.path("lookback").asText()).isEqualTo("PT5M");
        JsonNode point = only(inMinute, WEB01);
        assertThat(point.path("ts").asText()).isEqualTo(minute(0).plusSeconds(1).toString());
        assertThat(point.path("value").asDouble()).isEqualTo(4.0);
        // At a minute's start: the previous minute's last sample.
        assertThat(only(get(web01 + minute(0), 200), WEB01).path("value").asDouble())
                .isEqualTo(0.5);
        // No sample within the lookback: no point.
        assertThat(keys(get(web01 + minute(0).plusSeconds(30) + "&lookback=20s", 200)))
                .isEmpty();
        // Forty days ago only hours are kept: the last sample of the latest hour with one in the window.
        JsonNode old = get(web01 + OLD.plus(150, ChronoUnit.MINUTES) + "&lookback=1h", 200);
        assertThat(old.path("resolution").asText()).isEqualTo("1h");
        assertThat(only(old, WEB01).path("value").asDouble()).isEqualTo(5.0);
        assertThat(bad(web01 + NOW + "&lookback=2h", "lookback")).contains("from 1s to 1h");
    }

    @Test
    void seriesAreListedByNameAndLabels() throws Exception {
        JsonNode byName = get("/v1/metrics/series?name=cpu.load", 200);
        assertThat(keys(byName)).containsExactly("cpu.load", ODD, WEB01, WEB02);
        assertThat(byName.path("series").get(2).path("name").asText()).isEqualTo("cpu.load");
        assertThat(byName.path("series").get(2).path("labels").path("region").asText())
                .isEqualTo("us");
        // The name's partition of the index: a row per series (web01's two days are one row).
        assertThat(byName.path("index").path("table").asText()).isEqualTo("metric_series");
        assertThat(byName.path("index").path("rows_read").asInt()).isEqualTo(4);
        assertThat(byName.path("index").path("complete").asBoolean()).isTrue();
        assertThat(keys(get("/v1/metrics/series?match=host=web01", 200))).containsExactly(IDLE, WEB01);
        assertThat(keys(get("/v1/metrics/series", 200)))
                .containsExactly("cpu.load", IDLE, ODD, WEB01, WEB02, REQUESTS); // "." sorts before "{"
    }

    @Test
    void badParametersAreNamedWithTheRule() throws Exception {
        String path = "/v1/metrics/cpu.load/series?";
        assertThat(bad(path + "agg=median", "agg")).contains("avg, sum, min, max, count, last, increase");
        assertThat(bad(path + "resolution=1m&step=90s", "step"))
                .contains("whole number of the resolution's 1m buckets");
        assertThat(bad(path + "resolution=raw&step=PT0.5S", "step")).contains("raw buckets");
        assertThat(bad(path + "resolution=raw&from=" + DAY.minus(6, ChronoUnit.DAYS) + "&to=" + DAY, "step"))
                .contains("give a step of 48s or more");
        assertThat(bad(path + "resolution=raw&from=" + DAY.minus(8, ChronoUnit.DAYS) + "&to=" + DAY, "to"))
                .contains("7 days");
        // A step under a minute over a week or more is not raw: minutes, whose buckets it does not fit.
        assertThat(bad(path + "step=30s&from=" + DAY.minus(8, ChronoUnit.DAYS) + "&to=" + DAY, "step"))
                .contains("1m buckets");
        assertThat(bad(path + "resolution=1h&step=30m", "step")).contains("1h buckets");
        assertThat(bad(path + "step=soon", "step")).contains("5m");
        assertThat(bad(path + "resolution=10s", "resolution")).contains("must be raw, 1m or 1h");
        assertThat(bad(path + "from=" + NOW + "&to=" + DAY, "from")).contains("before 'to'");
        assertThat(bad(path + "from=yesterday", "from")).contains("ISO-8601");
        assertThat(bad(path + "match=host", "match")).contains("key=value");
        assertThat(bad(path + "match=host=a%22b", "match")).contains("quote");
        assertThat(bad("/v1/metrics/9cpu/series", "name")).contains("metric name");
        assertThat(bad(path + "series=" + encode(IDLE), "series")).contains("not of cpu.load");
        assertThat(bad(path + "series=" + encode("cpu.load{region=\"us\",host=\"web01\"}"), "series"))
                .contains("sorted by key");
        assertThat(bad(path + "from=" + DAY.minus(29, ChronoUnit.DAYS) + "&to=" + DAY, "step"))
                .contains("give a step of 4m or more");
        assertThat(bad(path + "resolution=1m&from=" + DAY.minus(32, ChronoUnit.DAYS) + "&to=" + DAY, "to"))
                .contains("31 days");
        assertThat(bad("/v1/metrics/series?match=9=a", "match")).contains("label key");
    }

    private static Instant minute(int offset) {
        return DAY.plus(Duration.ofMinutes(offset));
    }

    /** The row with a sketch of its bucket's values. */
    private static MetricRollup sketched(MetricRollup row, double... values) {
        return MetricRollup.newBuilder(row)
                .setSketch(ByteBuffer.wrap(ValueSketches.of(values, values.length)))
                .build();
    }

    private static MetricRollup gauge(
            String key,
            String resolution,
            Instant start,
            long count,
            double sum,
            double min,
            double max,
            double first,
            double last) {
        return row(key, resolution, start, MetricKind.GAUGE, count, sum, min, max, first, last, null, null);
    }

    /** A counter minute of two samples, first and last. */
    private static MetricRollup counter(String key, Instant start, double first, double last, double increase) {
        return row(key, "1m", start, MetricKind.COUNTER, 2, first + last, first, last, first, last, increase, 0L);
    }

    private static MetricRollup row(
            String key,
            String resolution,
            Instant start,
            MetricKind kind,
            long count,
            double sum,
            double min,
            double max,
            double first,
            double last,
            Double increase,
            Long resets) {
        SeriesKeys.Series series = SeriesKeys.parse(key);
        long t = start.toEpochMilli();
        return MetricRollup.newBuilder()
                .setSeriesKey(key)
                .setName(series.name())
                .setLabels(series.labels())
                .setKind(kind)
                .setResolution(resolution)
                .setBucketStart(t)
                .setCount(count)
                .setSum(sum)
                .setMin(min)
                .setMax(max)
                .setFirst(first)
                .setFirstTs(t + 1_000)
                .setLast(last)
                .setLastTs(t + 59_000)
                .setIncrease(increase)
                .setResets(resets)
                .build();
    }

    @Test
    void alertsAreListedFiringFirstAndAnAlertsHistoryNewestFirst() throws Exception {
        JsonNode active = get("/v1/alerts", 200);
        assertThat(active.path("complete").asBoolean()).isTrue();
        List<String> listed = new ArrayList<>();
        active.path("alerts")
                .forEach(a -> listed.add(
                        a.path("alert").asText() + " " + a.path("state").asText()));
        assertThat(listed).containsExactly("HostDown FIRING", "HostOverloaded PENDING");
        JsonNode down = active.path("alerts").get(0);
        assertThat(down.path("labels").path("host").asText()).isEqualTo("db,1 \"x\"");
        assertThat(down.path("labels").path("severity").asText()).isEqualTo("page");
        assertThat(down.path("value").asDouble()).isEqualTo(0.97);
        assertThat(down.path("active_since").asText()).isEqualTo(minute(2).toString());
        assertThat(down.path("updated_at").asText()).isEqualTo(minute(5).toString());

        JsonNode all = get("/v1/alerts?state=all", 200);
        assertThat(all.path("alerts")).hasSize(3);
        assertThat(all.path("alerts").get(2).path("state").asText()).isEqualTo("RESOLVED");
        assertThat(bad("/v1/alerts?state=firing", "state")).contains("'active'");

        JsonNode history = get(
                "/v1/alerts/HostDown/history?labels_key="
                        + encode(down.path("labels_key").asText()),
                200);
        List<String> changes = new ArrayList<>();
        history.path("changes")
                .forEach(c -> changes.add(
                        c.path("state").asText() + "@" + c.path("ts").asText()));
        assertThat(changes).containsExactly("FIRING@" + minute(5), "PENDING@" + minute(2));
        assertThat(history.path("changes").get(0).path("id").asText())
                .startsWith("HostDown{host=")
                .endsWith("@" + minute(5).toEpochMilli() + ":FIRING");
        assertThat(bad("/v1/alerts/HostDown/history", "labels_key")).contains("required");
    }

    private static AlertEvent alert(String name, Map<String, String> labels, String state, Instant at, Instant since) {
        Map<String, String> all = new java.util.TreeMap<>(labels);
        all.put("severity", "page");
        return AlertEvent.newBuilder()
                .setId(name + AlertEvents.labelsKey(all) + "@" + at.toEpochMilli() + ":" + state)
                .setAlert(name)
                .setLabels(all)
                .setState(state)
                .setSeverity("page")
                .setValue(0.97)
                .setThreshold(0.9)
                .setActiveSince(since.toEpochMilli())
                .setTs(at.toEpochMilli())
                .build();
    }

    private static <T> void insert(CqlSession session, String keyspace, ResultTable<T> table, T record) {
        session.execute(session.prepare(table.insertCql(keyspace)).bind(table.insertValues(record)));
    }

    private static String query(String name, String parameters) {
        return "/v1/metrics/" + name + "/series?" + parameters;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The one series of {@code key} in an answer. */
    private static JsonNode only(JsonNode body, String key) {
        for (JsonNode s : body.path("series")) {
            if (s.path("key").asText().equals(key)) {
                return s;
            }
        }
        throw new AssertionError("no series " + key + " in " + body);
    }

    private static List<String> keys(JsonNode body) {
        List<String> keys = new ArrayList<>();
        body.path("series").forEach(s -> keys.add(s.path("key").asText()));
        return keys;
    }

    private static List<String> times(JsonNode series) {
        List<String> times = new ArrayList<>();
        series.path("points").forEach(p -> times.add(p.path("ts").asText()));
        return times;
    }

    private static List<Double> values(JsonNode series) {
        List<Double> values = new ArrayList<>();
        series.path("points").forEach(p -> values.add(p.path("value").asDouble()));
        return values;
    }

    private static List<Long> counts(JsonNode series) {
        List<Long> counts = new ArrayList<>();
        series.path("points").forEach(p -> counts.add(p.path("count").asLong()));
        return counts;
    }

    /** A 400 naming {@code parameter}; its message. */
    private static String bad(String path, String parameter) throws Exception {
        JsonNode body = get(path, 400);
        assertThat(body.path("parameter").asText()).as(path).isEqualTo(parameter);
        return body.path("message").asText();
    }

    private static JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }
}
