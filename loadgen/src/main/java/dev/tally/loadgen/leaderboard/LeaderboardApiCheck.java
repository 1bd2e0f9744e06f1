package dev.tally.loadgen.leaderboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.loadgen.RecordCheck;
import dev.tally.loadgen.leaderboard.reference.LeaderboardReference;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerKey;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.ScoreKey;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What a player sees: the rank, score, reached_at, percentile and neighbours of sampled players read
 * through the dashboard's API ({@code GET /v1/scores/{user_id}?tournament&neighbours}), against the
 * reference's standings put in display order here. The sample always holds each tournament's first
 * and last player (a side with nobody on it) besides the random ones. Given the imported display names,
 * each player's {@code user_name} too (null for a player without one).
 */
final class LeaderboardApiCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    /** User id to display name, null when names are not checked; a player not in it has none. */
    private final Map<String, String> names;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    LeaderboardApiCheck(URI api) {
        this(api, null);
    }

    LeaderboardApiCheck(URI api, Map<String, String> names) {
        this.api = api;
        this.names = names;
    }

    RecordCheck check(LeaderboardStandings expected, int sample, int neighbours, long seed)
            throws IOException, InterruptedException {
        // Every player listed: the reference's top K with K = all, in display order with competition ranks.
        LeaderboardStandings all = LeaderboardReference.standings(expected.players(), Integer.MAX_VALUE);
        Map<PlayerKey, Integer> positions = new HashMap<>();
        List<PlayerKey> everyone = new ArrayList<>();
        Set<PlayerKey> sampled = new LinkedHashSet<>();
        all.top().keySet().stream().sorted().forEach(tournament -> {
            List<Ranked> players = all.top().get(tournament);
            for (int i = 0; i < players.size(); i++) {
                PlayerKey key = new PlayerKey(tournament, players.get(i).userId());
                positions.put(key, i);
                everyone.add(key);
            }
            sampled.add(new PlayerKey(tournament, players.get(0).userId()));
            sampled.add(
                    new PlayerKey(tournament, players.get(players.size() - 1).userId()));
        });
        Random random = new Random(seed);
        Collections.shuffle(everyone, random);
        for (int i = 0; i < everyone.size() && sampled.size() < sample; i++) {
            sampled.add(everyone.get(i));
        }
        RecordCheck.Builder check =
                new RecordCheck.Builder("api /v1/scores/{user_id}?neighbours=" + neighbours + " sampled players");
        for (PlayerKey player : sampled) {
            List<Ranked> players = all.top().get(player.tournament());
            int at = positions.get(player);
            long level = all.histogram()
                    .get(new ScoreKey(player.tournament(), players.get(at).score()))
                    .players();
            String want = describe(players, at, neighbours, level);
            String got = read(player, neighbours);
            check.check(want.equals(got), () -> player + ": expected " + want + ", the API said " + got);
        }
        return check.build();
    }

    /** Each tournament's players in display order, each with its competition rank (the reference's). */
    static Map<String, List<Ranked>> displayOrder(LeaderboardStandings expected) {
        return LeaderboardReference.standings(expected.players(), Integer.MAX_VALUE)
                .top();
    }

    /** The expected answer, in the words {@link #read} puts the API's in. */
    private String describe(List<Ranked> players, int at, int neighbours, long level) {
        Ranked p = players.get(at);
        long below = players.size() - (p.rank() - 1) - level;
        double percentile = 100.0 * (below + level / 2.0) / players.size();
        return entry(p.userId(), p.rank(), p.score(), p.reachedAt())
                + String.format(" p%.6f of %d", percentile, players.size())
                + " above " + entries(players.subList(Math.max(0, at - neighbours), at))
                + " below " + entries(players.subList(at + 1, Math.min(players.size(), at + 1 + neighbours)));
    }

    private String read(PlayerKey player, int neighbours) throws IOException, InterruptedException {
        URI uri = api.resolve("/v1/scores/" + URLEncoder.encode(player.userId(), StandardCharsets.UTF_8)
                + "?tournament=" + URLEncoder.encode(player.tournament(), StandardCharsets.UTF_8)
                + "&neighbours=" + neighbours);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + " " + response.body();
        }
        JsonNode body = JSON.readTree(response.body());
        JsonNode info = body.path("user_info");
        return entry(info)
                + String.format(
                        " p%.6f of %d",
                        info.path("percentile").asDouble(), body.path("players").asLong())
                + " above " + entries(body.path("neighbours").path("above"))
                + " below " + entries(body.path("neighbours").path("below"));
    }

    private String entries(List<Ranked> players) {
        List<String> entries = new ArrayList<>();
        players.forEach(p -> entries.add(entry(p.userId(), p.rank(), p.score(), p.reachedAt())));
        return entries.toString();
    }

    private String entries(JsonNode players) {
        List<String> entries = new ArrayList<>();
        players.forEach(p -> entries.add(entry(p)));
        return entries.toString();
    }

    private String entry(JsonNode p) {
        String entry = ranked(
                p.path("user_id").asText(),
                p.path("rank").asLong(),
                p.path("score").asLong(),
                Instant.parse(p.path("reached_at").asText()).toEpochMilli());
        if (names == null) {
            return entry;
        }
        JsonNode name = p.path("user_name");
        return entry + " " + (name.isTextual() ? "'" + name.asText() + "'" : "(no name: " + name + ")");
    }

    /** A player as {@link #entry(JsonNode)} puts an answer's, its expected name included when names are checked. */
    private String entry(String userId, long rank, long score, long reachedAt) {
        String entry = ranked(userId, rank, score, reachedAt);
        if (names == null) {
            return entry;
        }
        String name = names.get(userId);
        return entry + " " + (name != null ? "'" + name + "'" : "(no name: null)");
    }

    private static String ranked(String userId, long rank, long score, long reachedAt) {
        return "#" + rank + " " + userId + ":" + score + "@" + reachedAt;
    }
}
