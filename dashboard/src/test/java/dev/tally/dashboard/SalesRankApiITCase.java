package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.jobs.salesrank.SalesRankTables;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.RankedProduct;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
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

/** {@code GET /v1/popular} against the real Cassandra, over rows written as the job's sink writes them. */
@ExtendWith(RealServicesExtension.class)
class SalesRankApiITCase {

    // Now, not a fixed date: the rows' TTL counts from their window's end.
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    private static final Instant HOUR = NOW.truncatedTo(ChronoUnit.HOURS);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static DashboardServer server;

    @BeforeAll
    static void start(TestCassandra cassandra) throws Exception {
        String keyspace = cassandra.newKeyspace();
        CqlSession session = cassandra.session();
        // The Primer's category1 as of the last hour, an hour before it, and a window ahead of the clock
        // (a bounded input's end emits those): only the first is the current list.
        insert(session, keyspace, list("category1", HOUR, "product2", 3, 1, "product1", 2, 2, "product4", 1, 3));
        insert(session, keyspace, list("category1", HOUR.minus(1, ChronoUnit.HOURS), "product2", 3, 1));
        insert(session, keyspace, list("category1", HOUR.plus(1, ChronoUnit.HOURS), "product9", 9, 1));
        insert(session, keyspace, list("category2", HOUR, "product3", 7, 1, "product1", 3, 2));
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
    void aCategorysBestSellersOfTheWeekEndingAtTheLastHour() throws Exception {
        JsonNode body = get("/v1/popular?category_id=category1", 200);
        assertThat(body.path("category_id").asText()).isEqualTo("category1");
        assertThat(body.path("window_end").asText()).isEqualTo(HOUR.toString());
        assertThat(body.path("window_start").asText())
                .isEqualTo(HOUR.minus(7, ChronoUnit.DAYS).toString());
        assertThat(entries(body)).containsExactly("1 product2 3", "2 product1 2", "3 product4 1");
        assertThat(body.path("data").get(0).path("category_id").asText()).isEqualTo("category1");
        assertThat(entries(get("/v1/popular?category_id=category1&count=2", 200)))
                .containsExactly("1 product2 3", "2 product1 2");
        assertThat(entries(get("/v1/popular?category_id=category2", 200)))
                .containsExactly("1 product3 7", "2 product1 3");
    }

    @Test
    void anEarlierWeekAndACategoryWithoutSales() throws Exception {
        JsonNode earlier = get("/v1/popular?category_id=category1&at=" + HOUR.minusSeconds(1), 200);
        assertThat(earlier.path("window_end").asText())
                .isEqualTo(HOUR.minus(1, ChronoUnit.HOURS).toString());
        assertThat(entries(earlier)).containsExactly("1 product2 3");

        JsonNode none = get("/v1/popular?category_id=toys", 200);
        assertThat(none.path("data")).isEmpty();
        assertThat(none.path("window_end").isNull()).isTrue();
    }

    @Test
    void badParametersAreNamed() throws Exception {
        assertThat(get("/v1/popular", 400).path("message").asText()).contains("category_id");
        assertThat(get("/v1/popular?category_id=a%20b", 400).path("message").asText())
                .contains("category_id");
        assertThat(get("/v1/popular?category_id=c&count=0", 400).path("message").asText())
                .contains("count");
        assertThat(get("/v1/popular?category_id=c&at=yesterday", 400)
                        .path("message")
                        .asText())
                .contains("at");
    }

    /** A list as the job emits it: (product, total, rank) triples, best first. */
    private static CategoryBestSellers list(String category, Instant windowEnd, Object... entries) {
        List<RankedProduct> products = new ArrayList<>();
        for (int i = 0; i < entries.length; i += 3) {
            products.add(new RankedProduct(
                    (String) entries[i], ((Integer) entries[i + 1]).longValue(), (Integer) entries[i + 2]));
        }
        return new CategoryBestSellers(category, windowEnd.toEpochMilli(), products);
    }

    private static void insert(CqlSession session, String keyspace, CategoryBestSellers list) {
        session.execute(session.prepare(SalesRankTables.SALES_RANK.insertCql(keyspace))
                .bind(SalesRankTables.SALES_RANK.insertValues(list)));
    }

    private static List<String> entries(JsonNode body) {
        List<String> entries = new ArrayList<>();
        for (JsonNode p : body.path("data")) {
            entries.add(p.path("rank").asInt() + " " + p.path("product_id").asText() + " "
                    + p.path("total_sold").asLong());
        }
        return entries;
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
