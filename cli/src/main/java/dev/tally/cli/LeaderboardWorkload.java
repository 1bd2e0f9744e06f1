package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** The leaderboard queries of the dashboard bench, checked against the {@link LeaderboardApiDataSet}. */
final class LeaderboardWorkload implements DashboardWorkload {

    static final int NEIGHBOURS = 4;

    private static final String TOURNAMENT =
            "tournament=" + URLEncoder.encode(LeaderboardApiDataSet.TOURNAMENT, StandardCharsets.UTF_8);

    private final LeaderboardApiDataSet data;
    private final Random random = new Random(20261207L);

    LeaderboardWorkload(LeaderboardApiDataSet data) {
        this.data = data;
    }

    @Override
    public List<String> labels() {
        return List.of("GET /v1/scores", "GET /v1/scores/{user_id}?neighbours=" + NEIGHBOURS);
    }

    @Override
    public Query next(int kind) {
        return kind == 0 ? top() : player();
    }

    @Override
    public String describeQueries() {
        return String.format(
                Locale.ROOT,
                "/v1/scores: count 10, the players, their names and ranks checked; /v1/scores/{user_id}: a uniformly random"
                        + " player of %,d with neighbours=%d, its rank and the ids and names of the %d above and below it"
                        + " checked.",
                data.players(),
                NEIGHBOURS,
                NEIGHBOURS);
    }

    /** The top 10: ids, names and ranks in display order. */
    private Query top() {
        List<String> expected = new ArrayList<>();
        for (int p = 0; p < Math.min(10, data.players()); p++) {
            int player = data.playerAt(p);
            expected.add(data.rank(player) + " " + named(player));
        }
        return new Query("/v1/scores?count=10&" + TOURNAMENT, body -> {
            List<String> got = new ArrayList<>();
            body.path("data").forEach(p -> got.add(p.path("rank").asLong() + " " + named(p)));
            return got.equals(expected) ? null : "top 10 " + got + ", expected " + expected;
        });
    }

    /** A random player: its rank and its neighbours' ids on both sides. */
    private Query player() {
        int player = random.nextInt(data.players());
        int place = data.placeOf(player);
        List<String> above = new ArrayList<>();
        for (int p = Math.max(0, place - NEIGHBOURS); p < place; p++) {
            above.add(named(data.playerAt(p)));
        }
        List<String> below = new ArrayList<>();
        for (int p = place + 1; p < Math.min(data.players(), place + 1 + NEIGHBOURS); p++) {
            below.add(named(data.playerAt(p)));
        }
        long rank = data.rank(player);
        String userId = LeaderboardApiDataSet.userId(player);
        return new Query("/v1/scores/" + userId + "?neighbours=" + NEIGHBOURS + "&" + TOURNAMENT, body -> {
            long gotRank = body.path("user_info").path("rank").asLong();
            List<String> gotAbove = ids(body.path("neighbours").path("above"));
            List<String> gotBelow = ids(body.path("neighbours").path("below"));
            return gotRank == rank && gotAbove.equals(above) && gotBelow.equals(below)
                    ? null
                    : userId + ": rank " + gotRank + " above " + gotAbove + " below " + gotBelow + ", expected rank "
                            + rank + " above " + above + " below " + below;
        });
    }

    private static List<String> ids(JsonNode players) {
        List<String> ids = new ArrayList<>();
        players.forEach(p -> ids.add(named(p)));
        return ids;
    }

    private static String named(int player) {
        return LeaderboardApiDataSet.userId(player) + " '" + LeaderboardApiDataSet.displayName(player) + "'";
    }

    private static String named(JsonNode p) {
        return p.path("user_id").asText() + " '" + p.path("user_name").asText() + "'";
    }
}
