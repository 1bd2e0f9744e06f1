package dev.tally.loadgen.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tally.loadgen.RecordCheck;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerKey;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerScore;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The check of what players see through the API: the expected order and ranks, and what it reads. */
class LeaderboardApiCheckTest {

    private static final String CHESS = "chess#2026-12";

    /** ann 5; cid and bob 3 (cid first); dan 1. */
    private static final LeaderboardStandings STANDINGS = new LeaderboardStandings(
            10,
            Map.of(
                    new PlayerKey(CHESS, "ann"), new PlayerScore(5, 50),
                    new PlayerKey(CHESS, "bob"), new PlayerScore(3, 90),
                    new PlayerKey(CHESS, "cid"), new PlayerScore(3, 80),
                    new PlayerKey(CHESS, "dan"), new PlayerScore(1, 10)),
            Map.of(),
            Map.of());

    @Test
    void playersInDisplayOrderWithCompetitionRanks() {
        assertThat(LeaderboardApiCheck.displayOrder(STANDINGS).get(CHESS))
                .containsExactly(
                        new Ranked("ann", 5, 1, 50),
                        new Ranked("cid", 3, 2, 80),
                        new Ranked("bob", 3, 2, 90),
                        new Ranked("dan", 1, 4, 10));
    }

    /** What the API answers for each player of {@link #STANDINGS} with neighbours=1, right in every rank and neighbour. */
    private static final Map<String, String> RIGHT = Map.of(
            "/v1/scores/ann", answer("ann", 1, 5, 50, 87.5, "[]", "[" + entry("cid", 2, 3, 80) + "]"),
            "/v1/scores/bob",
                    answer(
                            "bob",
                            2,
                            3,
                            90,
                            50.0,
                            "[" + entry("cid", 2, 3, 80) + "]",
                            "[" + entry("dan", 4, 1, 10) + "]"),
            "/v1/scores/cid",
                    answer(
                            "cid",
                            2,
                            3,
                            80,
                            50.0,
                            "[" + entry("ann", 1, 5, 50) + "]",
                            "[" + entry("bob", 2, 3, 90) + "]"),
            "/v1/scores/dan", answer("dan", 4, 1, 10, 12.5, "[" + entry("bob", 2, 3, 90) + "]", "[]"));

    @Test
    void anAnswerWithAWrongNeighbourFailsAndTheRightOnesPass() throws Exception {
        // bob's answer puts dan above it: the tie with cid broken the wrong way round.
        Map<String, String> answers = new HashMap<>(RIGHT);
        answers.put(
                "/v1/scores/bob",
                answer("bob", 2, 3, 90, 50.0, "[" + entry("dan", 4, 1, 10) + "]", "[" + entry("dan", 4, 1, 10) + "]"));
        List<String> queries = new CopyOnWriteArrayList<>();

        RecordCheck check = check(answers, queries, null);

        assertThat(check.checked()).isEqualTo(4);
        assertThat(check.failed()).isEqualTo(1);
        assertThat(check.examples()).singleElement().asString().contains("bob").contains("#2 cid:3@80");
        assertThat(queries).hasSize(4).containsOnly("tournament=" + CHESS + "&neighbours=1");
    }

    @Test
    void givenTheImportedNamesEachPlayersDisplayNameIsChecked() throws Exception {
        Map<String, String> names = Map.of("ann", "Ann Lee", "cid", "Cid, Jr.");
        // Right in every rank, neighbour and name, but for dan, who has no display name and is named in its own answer.
        Map<String, String> answers = new HashMap<>();
        RIGHT.forEach((path, answer) -> answers.put(path, named(answer, names)));
        answers.computeIfPresent(
                "/v1/scores/dan",
                (path, answer) -> answer.replaceFirst(
                        "\"user_id\":\"dan\",\"user_name\":null", "\"user_id\":\"dan\",\"user_name\":\"Dan\""));

        RecordCheck check = check(answers, new CopyOnWriteArrayList<>(), names);

        assertThat(check.checked()).isEqualTo(4);
        assertThat(check.failed()).isEqualTo(1);
        assertThat(check.examples()).singleElement().asString().contains("dan").contains("'Dan'");
    }

    /** The check of 10 sampled players with 1 neighbour against a server giving {@code answers} by path. */
    private static RecordCheck check(Map<String, String> answers, List<String> queries, Map<String, String> names)
            throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = answers.get(exchange.getRequestURI().getPath());
            queries.add(exchange.getRequestURI().getQuery());
            byte[] bytes = (body == null ? "{}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            return new LeaderboardApiCheck(
                            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), names)
                    .check(STANDINGS, 10, 1, 7);
        } finally {
            server.stop(0);
        }
    }

    /** The answer with {@code user_name} beside each {@code user_id} of {@code names}, null for the others. */
    private static String named(String answer, Map<String, String> names) {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"user_id\":\"([^\"]*)\"(,\"user_name\")?")
                .matcher(answer);
        StringBuilder out = new StringBuilder();
        while (id.find()) {
            String name = names.get(id.group(1));
            id.appendReplacement(
                    out,
                    java.util.regex.Matcher.quoteReplacement(
                            id.group(2) != null
                                    ? id.group()
                                    : id.group() + ",\"user_name\":" + (name == null ? "null" : "\"" + name + "\"")));
        }
        id.appendTail(out);
        return out.toString();
    }

    private static String answer(
            String user, long rank, long score, long reachedAt, double percentile, String above, String below) {
        return "{\"tournament\":\"" + CHESS + "\",\"user_info\":{\"user_id\":\"" + user + "\",\"score\":" + score
                + ",\"rank\":" + rank + ",\"reached_at\":\"" + java.time.Instant.ofEpochMilli(reachedAt)
                + "\",\"percentile\":" + percentile + "},\"players\":4,\"neighbours\":{\"above\":" + above
                + ",\"below\":" + below + "}}";
    }

    private static String entry(String user, long rank, long score, long reachedAt) {
        return "{\"user_id\":\"" + user + "\",\"rank\":" + rank + ",\"score\":" + score + ",\"reached_at\":\""
                + java.time.Instant.ofEpochMilli(reachedAt) + "\"}";
    }
}
