package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.jobs.leaderboard.LeaderboardTables;
import dev.tally.jobs.leaderboard.PlayerName;
import dev.tally.jobs.leaderboard.functions.PlayerPosition;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
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

/** The leaderboard API against the real Cassandra, over rows written as the job's sinks write them. */
@ExtendWith(RealServicesExtension.class)
class LeaderboardApiITCase {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final String CHESS = "chess#2026-12";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static DashboardServer server;

    @BeforeAll
    static void start(TestCassandra cassandra) throws Exception {
        String keyspace = cassandra.newKeyspace();
        CqlSession session = cassandra.session();
        long t = NOW.toEpochMilli();
        // ann 5; bob and cid 3 (cid first); dan 1; eve 0.
        for (LeaderboardUpdate u : List.of(
                new LeaderboardUpdate(CHESS, "ann", 5L, t - 50),
                new LeaderboardUpdate(CHESS, "bob", 3L, t - 10),
                new LeaderboardUpdate(CHESS, "cid", 3L, t - 20),
                new LeaderboardUpdate(CHESS, "dan", 1L, t - 30),
                new LeaderboardUpdate(CHESS, "eve", 0L, t - 40))) {
            insert(session, keyspace, LeaderboardTables.PLAYER_SCORES, u);
            insert(session, keyspace, LeaderboardTables.SCORE_ORDER, position(u, true, 10));
        }
        // bob's place before it reached 3, removed as the job removes it: a later write of present = null.
        LeaderboardUpdate bobBefore = new LeaderboardUpdate(CHESS, "bob", 1L, t - 100);
        insert(session, keyspace, LeaderboardTables.SCORE_ORDER, position(bobBefore, true, 1));
        insert(session, keyspace, LeaderboardTables.SCORE_ORDER, position(bobBefore, false, 2));
        for (ScoreBucket b : List.of(
                new ScoreBucket(CHESS, 5L, 1L, 0L),
                new ScoreBucket(CHESS, 4L, 0L, 1L), // a score nobody holds any more
                new ScoreBucket(CHESS, 3L, 2L, 1L),
                new ScoreBucket(CHESS, 1L, 1L, 3L),
                new ScoreBucket(CHESS, 0L, 1L, 4L))) {
            insert(session, keyspace, LeaderboardTables.SCORE_HISTOGRAM, b);
        }
        // Display names: ann's; cid's renamed, then an older import that must not bring the old name back; bob none.
        insert(session, keyspace, LeaderboardTables.PLAYER_NAMES, new PlayerName("ann", "Ann Lee", t));
        insert(session, keyspace, LeaderboardTables.PLAYER_NAMES, new PlayerName("cid", "Cid", t + 1_000));
        insert(session, keyspace, LeaderboardTables.PLAYER_NAMES, new PlayerName("cid", "Cid (old)", t - 1_000));
        insert(session, keyspace, LeaderboardTables.PLAYER_NAMES, new PlayerName("dan", "Dan, Jr.", t));
        insert(
                session,
                keyspace,
                LeaderboardTables.TOP_PLAYERS,
                new TopPlayers(
                        CHESS,
                        t,
                        true,
                        List.of(
                                new RankedPlayer("ann", 5L, 1L, t - 50),
                                new RankedPlayer("cid", 3L, 2L, t - 20),
                                new RankedPlayer("bob", 3L, 2L, t - 10))));
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

    private static PlayerPosition position(LeaderboardUpdate u, boolean present, long micros) {
        return new PlayerPosition(u.getTournament(), u.getScore(), u.getReachedAt(), u.getUserId(), present, micros);
    }

    private static <T> void insert(CqlSession session, String keyspace, ResultTable<T> table, T record) {
        session.execute(session.prepare(table.insertCql(keyspace)).bind(table.insertValues(record)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void topPlayersInTheBooksShapeWithSharedRanks() throws Exception {
        JsonNode body = get("/v1/scores?tournament=chess%232026-12&count=3", 200);
        assertThat(players(body.path("data"))).containsExactly("1 ann 5", "2 cid 3", "2 bob 3");
        assertThat(body.path("total").asInt()).isEqualTo(3);
        assertThat(body.path("as_of").asText()).isEqualTo("2026-12-04T12:00:00Z");
        assertThat(players(get("/v1/scores?count=1", 200).path("data")))
                .as("default: chess this month")
                .containsExactly("1 ann 5");
        assertThat(get("/v1/scores?tournament=go%232026-12", 200).path("data")).isEmpty();
    }

    @Test
    void displayNamesAreJoinedAndAnOlderImportNeverOverwritesANewerName() throws Exception {
        JsonNode top = get("/v1/scores?tournament=chess%232026-12", 200);
        List<String> names = new ArrayList<>();
        top.path("data")
                .forEach(p -> names.add(
                        p.path("user_id").asText() + "=" + p.path("user_name").asText()));
        assertThat(names).containsExactly("ann=Ann Lee", "cid=Cid", "bob=null");
        assertThat(top.path("data").get(2).path("user_name").isNull()).isTrue();

        JsonNode bob = get("/v1/scores/bob?tournament=chess%232026-12&neighbours=2", 200);
        assertThat(bob.path("user_info").path("user_name").isNull()).isTrue();
        assertThat(bob.path("neighbours").path("above").get(1).path("user_name").asText())
                .isEqualTo("Cid");
        assertThat(bob.path("neighbours").path("below").get(0).path("user_name").asText())
                .isEqualTo("Dan, Jr.");
        assertThat(get("/v1/scores/ann", 200)
                        .path("user_info")
                        .path("user_name")
                        .asText())
                .isEqualTo("Ann Lee");
    }

    @Test
    void aPlayersRankAndPercentileAreReadFromTheHistogram() throws Exception {
        JsonNode bob = get("/v1/scores/bob?tournament=chess%232026-12", 200);
        assertThat(bob.path("user_info").path("score").asLong()).isEqualTo(3);
        assertThat(bob.path("user_info").path("rank").asLong()).isEqualTo(2);
        assertThat(bob.path("players").asLong()).isEqualTo(5);
        // Two below, two level (counted half): (2 + 1) / 5.
        assertThat(bob.path("user_info").path("percentile").asDouble()).isEqualTo(60.0);
        assertThat(get("/v1/scores/eve", 200).path("user_info").path("rank").asLong())
                .isEqualTo(5);
        assertThat(get("/v1/scores/zed", 404).path("message").asText()).contains("zed", CHESS);
    }

    @Test
    void neighboursInDisplayOrderAcrossTiesAndScores() throws Exception {
        JsonNode bob = get("/v1/scores/bob?tournament=chess%232026-12&neighbours=2", 200);
        // cid reached 3 before bob: in the same score, cid is above.
        assertThat(players(bob.path("neighbours").path("above"))).containsExactly("1 ann 5", "2 cid 3");
        assertThat(players(bob.path("neighbours").path("below"))).containsExactly("4 dan 1", "5 eve 0");
        JsonNode cid = get("/v1/scores/cid?neighbours=1", 200);
        assertThat(players(cid.path("neighbours").path("above"))).containsExactly("1 ann 5");
        assertThat(players(cid.path("neighbours").path("below"))).containsExactly("2 bob 3");
        // The top and the bottom have nobody on one side; the score 4 nobody holds is skipped.
        JsonNode ann = get("/v1/scores/ann?neighbours=4", 200);
        assertThat(ann.path("neighbours").path("above")).isEmpty();
        assertThat(players(ann.path("neighbours").path("below")))
                .containsExactly("2 cid 3", "2 bob 3", "4 dan 1", "5 eve 0");
        JsonNode eve = get("/v1/scores/eve?neighbours=50", 200);
        assertThat(players(eve.path("neighbours").path("above")))
                .containsExactly("1 ann 5", "2 cid 3", "2 bob 3", "4 dan 1");
        // bob's removed place at score 1 is not a neighbour of dan.
        JsonNode dan = get("/v1/scores/dan?neighbours=1", 200);
        assertThat(players(dan.path("neighbours").path("above"))).containsExactly("2 bob 3");
        assertThat(players(dan.path("neighbours").path("below"))).containsExactly("5 eve 0");
        assertThat(dan.path("neighbours")
                        .path("above")
                        .get(0)
                        .path("reached_at")
                        .asText())
                .isEqualTo(NOW.minusMillis(10).toString());
        assertThat(get("/v1/scores/dan", 200).has("neighbours")).isFalse();
        assertThat(get("/v1/scores/dan?neighbours=51", 400).path("parameter").asText())
                .isEqualTo("neighbours");
    }

    @Test
    void percentilesOfTheScores() throws Exception {
        JsonNode body = get("/v1/scores/percentiles?tournament=chess%232026-12", 200);
        assertThat(body.path("players").asLong()).isEqualTo(5);
        // Scores 0, 1, 3, 3, 5: at or below 1 are 40%, at or below 3 are 80%.
        assertThat(body.path("scores").path("p50").asLong()).isEqualTo(3);
        assertThat(body.path("scores").path("p75").asLong()).isEqualTo(3);
        assertThat(body.path("scores").path("p90").asLong()).isEqualTo(5);
        assertThat(body.path("scores").path("p99").asLong()).isEqualTo(5);
    }

    @Test
    void badParametersAreNamed() throws Exception {
        assertThat(get("/v1/scores?tournament=chess", 400).path("parameter").asText())
                .isEqualTo("tournament");
        assertThat(get("/v1/scores?count=101", 400).path("parameter").asText()).isEqualTo("count");
        assertThat(get("/v1/scores/a%20b", 400).path("parameter").asText()).isEqualTo("user_id");
    }

    private static List<String> players(JsonNode data) {
        List<String> players = new ArrayList<>();
        data.forEach(p -> players.add(p.path("rank").asLong() + " "
                + p.path("user_id").asText() + " " + p.path("score").asLong()));
        return players;
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
