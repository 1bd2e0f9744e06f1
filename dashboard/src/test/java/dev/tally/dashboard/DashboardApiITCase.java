package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The query API against the real Cassandra with known rows. */
@ExtendWith(RealServicesExtension.class)
class DashboardApiITCase {

    private static final Instant T1000 = Instant.parse("2026-11-23T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TcpProxy proxy;
    private static DashboardServer server;

    @BeforeAll
    static void start(TestCassandra cassandra) throws Exception {
        String keyspace = cassandra.newKeyspace();
        CqlSession session = cassandra.session();
        for (int i = 0; i < 5; i++) {
            session.execute(
                    "INSERT INTO " + keyspace
                            + ".ad_click_counts (ad_id, filter_id, click_minute, count) VALUES (?, ?, ?, ?)",
                    "ad1",
                    0,
                    T1000.plusSeconds(60L * i),
                    (long) i + 1);
        }
        session.execute(
                "INSERT INTO " + keyspace
                        + ".ad_click_counts (ad_id, filter_id, click_minute, count) VALUES (?, ?, ?, ?)",
                "ad1",
                1,
                T1000,
                7L);
        session.execute(
                "INSERT INTO " + keyspace
                        + ".top_ads_latest (filter_id, window_minutes, window_end, window_start, ad_ids, counts)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                0,
                5,
                T1000.plusSeconds(300),
                T1000,
                List.of("ad3", "ad1", "ad2"),
                List.of(9L, 5L, 5L));
        proxy = new TcpProxy(cassandra.port());
        server = DashboardServer.start(
                new DashboardServer.Config(
                        "127.0.0.1",
                        0,
                        "127.0.0.1:" + proxy.port(),
                        cassandra.localDatacenter(),
                        keyspace,
                        List.of(1, 5, 60),
                        100,
                        Map.of()),
                Clock.fixed(T1000.plusSeconds(300), ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aggregatedCountIsExactAtTheBoundaries() throws Exception {
        assertThat(count("from=202611231000&to=202611231003")).isEqualTo(1 + 2 + 3); // to is exclusive
        assertThat(count("from=202611231004&to=202611231005")).isEqualTo(5);
        assertThat(count("from=2026-11-23T10:01:00Z&to=2026-11-23T10:02:00Z")).isEqualTo(2);
        assertThat(count("")).as("default: the last complete minute").isEqualTo(5);
        assertThat(count("from=202611231000&to=202611231100&filter=1")).isEqualTo(7);
        assertThat(count("from=202611230900&to=202611231000")).isZero();
        JsonNode body = get("/v1/ads/ad1/aggregated_count?from=202611231000&to=202611231002").body;
        assertThat(body.path("ad_id").asText()).isEqualTo("ad1");
        assertThat(body.path("from").asText()).isEqualTo("2026-11-23T10:00:00Z");
    }

    @Test
    void popularAdsKeepTheJobsOrderIncludingTies() throws Exception {
        JsonNode top = get("/v1/ads/popular_ads?count=2&window=5&filter=0").body;
        assertThat(ids(top)).containsExactly("ad3", "ad1");
        assertThat(top.path("ads").get(0).path("count").asLong()).isEqualTo(9);
        assertThat(top.path("window_end").asText()).isEqualTo("2026-11-23T10:05:00Z");
        assertThat(ids(get("/v1/ads/popular_ads?count=10&window=5").body)).containsExactly("ad3", "ad1", "ad2");
        JsonNode none = get("/v1/ads/popular_ads?window=60").body;
        assertThat(none.path("ads")).isEmpty();
    }

    @Test
    void seriesHasOnePointPerMinute() throws Exception {
        JsonNode series = get("/v1/ads/ad1/series?from=202611231000&to=202611231006").body;
        List<Long> counts = new ArrayList<>();
        series.path("points").forEach(p -> counts.add(p.path("count").asLong()));
        assertThat(counts).containsExactly(1L, 2L, 3L, 4L, 5L, 0L);
    }

    @Test
    void badParametersAreAnswered400WithTheParameterAndRule() throws Exception {
        assertBad("/v1/ads/bad%20id/aggregated_count", "ad_id");
        assertBad("/v1/ads/ad1/aggregated_count?from=202611231005&to=202611231000", "from");
        assertBad("/v1/ads/ad1/aggregated_count?from=202601010000&to=202611231000", "to");
        assertBad("/v1/ads/ad1/aggregated_count?from=2026-11-23T10:00:30Z", "from");
        assertBad("/v1/ads/ad1/aggregated_count?from=yesterday", "from");
        assertBad("/v1/ads/ad1/aggregated_count?filter=-1", "filter");
        assertBad("/v1/ads/popular_ads?count=0", "count");
        assertBad("/v1/ads/popular_ads?count=abc", "count");
        assertBad("/v1/ads/popular_ads?count=101", "count");
        assertBad("/v1/ads/popular_ads?window=7", "window");
        assertBad("/v1/ads/ad1/series?from=202611200000&to=202611231000", "to");
    }

    @Test
    void cassandraDownIsAnswered503AndTheServiceRecovers() throws Exception {
        assertThat(get("/health").status).isEqualTo(200);
        proxy.stop();
        try {
            Response down = awaitStatus("/v1/ads/ad1/aggregated_count", 503);
            assertThat(down.body.path("error").asText()).isEqualTo("unavailable");
            assertThat(get("/health").status).isEqualTo(503);
        } finally {
            proxy.start();
        }
        awaitStatus("/v1/ads/ad1/aggregated_count", 200);
        assertThat(count("from=202611231000&to=202611231003")).isEqualTo(6);
    }

    private static long count(String query) throws Exception {
        Response r = get("/v1/ads/ad1/aggregated_count" + (query.isEmpty() ? "" : "?" + query));
        assertThat(r.status).as(r.body.toString()).isEqualTo(200);
        return r.body.path("count").asLong();
    }

    private static List<String> ids(JsonNode top) {
        List<String> ids = new ArrayList<>();
        top.path("ads").forEach(a -> ids.add(a.path("ad_id").asText()));
        assertThat(top.path("ad_ids").size()).isEqualTo(ids.size());
        return ids;
    }

    private static void assertBad(String path, String parameter) throws Exception {
        Response r = get(path);
        assertThat(r.status).as(path + " -> " + r.body).isEqualTo(400);
        assertThat(r.body.path("error").asText()).isEqualTo("bad_request");
        assertThat(r.body.path("parameter").asText()).as(path).isEqualTo(parameter);
        assertThat(r.body.path("message").asText()).contains(parameter);
    }

    private static Response awaitStatus(String path, int status) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        Response last = null;
        while (System.nanoTime() < deadline) {
            last = get(path);
            if (last.status == status) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Expected " + status + " from " + path + ", last: " + last.status + " " + last.body);
    }

    private record Response(int status, JsonNode body) {}

    private static Response get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), JSON.readTree(response.body()));
    }
}
