package dev.tally.dashboard;

import dev.tally.jobs.leaderboard.PlayerName;
import dev.tally.jobs.leaderboard.functions.PlayerPosition;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The leaderboard queries of the books' API (SPEC section 4): the top players, a player's score,
 * rank and percentile, and a tournament's score percentiles. Ranks are competition ranks (equal
 * scores share one) read from the histogram, never counted by a scan.
 */
final class LeaderboardResource {

    static final int MAX_COUNT = 100;
    static final int MAX_NEIGHBOURS = 50;
    private static final Pattern TOURNAMENT = Pattern.compile("[^#\\s]{1,64}#\\d{4}-\\d{2}");
    private static final int[] PERCENTILES = {50, 75, 90, 99};

    private final LeaderboardQueries queries;
    private final Clock clock;

    LeaderboardResource(LeaderboardQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.get("/v1/scores", this::top);
        app.get("/v1/scores/percentiles", this::percentiles);
        app.get("/v1/scores/{user_id}", this::player);
    }

    /**
     * {@code {data: [{user_id, user_name, rank, score, reached_at}], total, tournament, as_of, complete}}: the
     * books' shape, with the list's time; {@code user_name} null for a player without a display name.
     */
    private void top(Context ctx) {
        String tournament = tournament(ctx);
        int count = Params.integer(ctx, "count", 10, 1, MAX_COUNT);
        TopPlayers top = queries.top(tournament);
        List<Map<String, Object>> data = new ArrayList<>();
        if (top != null) {
            List<RankedPlayer> listed =
                    top.getPlayers().subList(0, Math.min(count, top.getPlayers().size()));
            Map<String, String> names =
                    queries.names(listed.stream().map(RankedPlayer::getUserId).toList());
            for (RankedPlayer p : listed) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("user_id", p.getUserId());
                entry.put("user_name", names.get(p.getUserId()));
                entry.put("rank", p.getRank());
                entry.put("score", p.getScore());
                entry.put("reached_at", Instant.ofEpochMilli(p.getReachedAt()).toString());
                data.add(entry);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tournament", tournament);
        body.put("data", data);
        body.put("total", data.size());
        body.put(
                "as_of",
                top == null ? null : Instant.ofEpochMilli(top.getAsOf()).toString());
        body.put("complete", top == null || top.getComplete());
        ctx.json(body);
    }

    /**
     * {@code {user_info: {user_id, user_name, score, rank, reached_at, percentile}, tournament, players}}; 404 for a
     * player without a score. Percentile: the share of players below, counting half of those level.
     * With {@code neighbours=n} also {@code neighbours: {above, below}}: the n players just before and
     * just after in display order (score, then who reached it first, then user_id), each with its rank,
     * both lists in display order.
     */
    private void player(Context ctx) {
        String tournament = tournament(ctx);
        int neighbours = Params.integer(ctx, "neighbours", 0, 0, MAX_NEIGHBOURS);
        String userId = ctx.pathParam("user_id");
        if (!PlayerName.USER_ID.matcher(userId).matches()) {
            throw new BadParameter(
                    "user_id", "must be 1 to 128 characters of letters, digits, '_', '.', ':', '@' or '-'");
        }
        LeaderboardUpdate player = queries.player(tournament, userId);
        if (player == null) {
            ctx.status(HttpStatus.NOT_FOUND)
                    .json(Map.of("error", "not_found", "message", "user " + userId + " has no score in " + tournament));
            return;
        }
        List<ScoreBucket> held = queries.histogram(tournament);
        ScoreBucket bucket = null;
        long players = 0;
        for (ScoreBucket b : held) {
            players += b.getPlayers();
            if (b.getScore() == player.getScore()) {
                bucket = b;
            }
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("user_id", userId);
        info.put("user_name", null); // with the neighbours' names below: one read for all
        info.put("score", player.getScore());
        info.put("rank", bucket == null ? null : 1 + bucket.getPlayersAbove());
        info.put("reached_at", Instant.ofEpochMilli(player.getReachedAt()).toString());
        if (bucket != null && players > 0) {
            double below = players - bucket.getPlayersAbove() - bucket.getPlayers();
            info.put("percentile", 100.0 * (below + bucket.getPlayers() / 2.0) / players);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tournament", tournament);
        body.put("user_info", info);
        body.put("players", players);
        Around around = neighbours > 0 ? neighbours(tournament, player, held, neighbours) : null;
        List<String> named = new ArrayList<>(List.of(userId));
        if (around != null) {
            around.above().forEach(p -> named.add(p.userId));
            around.below().forEach(p -> named.add(p.userId));
        }
        Map<String, String> names = queries.names(named);
        info.put("user_name", names.get(userId));
        if (around != null) {
            Map<String, Object> sides = new LinkedHashMap<>();
            sides.put("above", entries(around.above(), around.ranks(), names));
            sides.put("below", entries(around.below(), around.ranks(), names));
            body.put("neighbours", sides);
        }
        ctx.json(body);
    }

    /**
     * The players around {@code player}: first its own score's partition of the order table, then,
     * across a score boundary, the nearest held scores' (the histogram lists them), until there are
     * {@code n} on each side or no more scores.
     */
    /** A player's neighbours in display order, and the rank of each held score. */
    private record Around(List<PlayerPosition> above, List<PlayerPosition> below, Map<Long, Long> ranks) {}

    private Around neighbours(String tournament, LeaderboardUpdate player, List<ScoreBucket> highestFirst, int n) {
        long score = player.getScore();
        PlayerPosition place =
                new PlayerPosition(tournament, score, player.getReachedAt(), player.getUserId(), true, 0);
        Map<Long, Long> ranks = new HashMap<>();
        List<Long> lower = new ArrayList<>();
        for (ScoreBucket b : highestFirst) {
            ranks.put(b.getScore(), 1 + b.getPlayersAbove());
            if (b.getScore() < score) {
                lower.add(b.getScore());
            }
        }
        List<Long> higher = new ArrayList<>(); // nearest first
        for (int i = highestFirst.size() - 1; i >= 0; i--) {
            if (highestFirst.get(i).getScore() > score) {
                higher.add(highestFirst.get(i).getScore());
            }
        }
        List<PlayerPosition> above = new ArrayList<>(queries.before(tournament, score, place, n));
        for (int i = 0; i < higher.size() && above.size() < n; i++) {
            above.addAll(queries.before(tournament, higher.get(i), null, n - above.size()));
        }
        Collections.reverse(above);
        List<PlayerPosition> below = new ArrayList<>(queries.after(tournament, score, place, n));
        for (int i = 0; i < lower.size() && below.size() < n; i++) {
            below.addAll(queries.after(tournament, lower.get(i), null, n - below.size()));
        }
        return new Around(above, below, ranks);
    }

    private static List<Map<String, Object>> entries(
            List<PlayerPosition> positions, Map<Long, Long> ranks, Map<String, String> names) {
        List<Map<String, Object>> entries = new ArrayList<>(positions.size());
        for (PlayerPosition p : positions) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("user_id", p.userId);
            entry.put("user_name", names.get(p.userId));
            entry.put("rank", ranks.get(p.score));
            entry.put("score", p.score);
            entry.put("reached_at", Instant.ofEpochMilli(p.reachedAt).toString());
            entries.add(entry);
        }
        return entries;
    }

    /** {@code {tournament, players, scores: {p50, p75, p90, p99}}}: the lowest score at least that share of players hold or stay under. */
    private void percentiles(Context ctx) {
        String tournament = tournament(ctx);
        List<ScoreBucket> highestFirst = queries.histogram(tournament);
        long players = highestFirst.stream().mapToLong(ScoreBucket::getPlayers).sum();
        Map<String, Object> scores = new LinkedHashMap<>();
        for (int p : PERCENTILES) {
            Long score = null;
            long atOrBelow = players;
            for (ScoreBucket b : highestFirst) {
                // b.score holds when at least p% of players are at or below it; keep descending while that holds.
                if (atOrBelow * 100 >= (long) p * players) {
                    score = b.getScore();
                }
                atOrBelow -= b.getPlayers();
            }
            scores.put("p" + p, players == 0 ? null : score);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tournament", tournament);
        body.put("players", players);
        body.put("scores", scores);
        ctx.json(body);
    }

    /** {@code tournament}, as {@code game#yyyy-MM}; by default chess in the current UTC month. */
    private String tournament(Context ctx) {
        String value = ctx.queryParam("tournament");
        if (value == null || value.isEmpty()) {
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            return String.format("chess#%04d-%02d", today.getYear(), today.getMonthValue());
        }
        if (!TOURNAMENT.matcher(value).matches()) {
            throw new BadParameter("tournament", "must be a game and a UTC month as game#yyyy-MM, e.g. chess#2026-12");
        }
        return value;
    }
}
