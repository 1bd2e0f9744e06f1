package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.jobs.leaderboard.LeaderboardTables;
import dev.tally.jobs.leaderboard.PlayerName;
import dev.tally.jobs.leaderboard.functions.PlayerPosition;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leaderboard data set of {@code tally bench dashboard --job leaderboard}: {@code players} players of
 * one tournament with Zipf-like scores (player i has floor(5000 / (1 + i/100)^0.7): a few thousand
 * distinct scores, the low ones held by tens of thousands each), their display order, ranks and
 * histogram, written as the job writes them: the players' scores, the order table, the histogram and the
 * top 100.
 */
final class LeaderboardApiDataSet {

    static final String TOURNAMENT = "bench#2026-12";
    static final int TOP = 100;

    private static final long MONTH_START =
            Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final long MONTH_MILLIS = 31L * 86_400_000L;

    private final int players;
    private final long[] scores;
    private final long[] reachedAt;
    /** Player indexes in display order. */
    private final int[] order;
    /** Each player's place in {@link #order}. */
    private final int[] placeOf;
    /** Score to {players, players above}. */
    private final Map<Long, long[]> histogram = new TreeMap<>();

    LeaderboardApiDataSet(int players) {
        this.players = players;
        this.scores = new long[players];
        this.reachedAt = new long[players];
        Integer[] sorted = new Integer[players];
        for (int i = 0; i < players; i++) {
            scores[i] = (long) (5000 / Math.pow(1 + i / 100.0, 0.7));
            reachedAt[i] = MONTH_START + Math.floorMod(i * 7_919_000L, MONTH_MILLIS);
            sorted[i] = i;
            histogram.computeIfAbsent(scores[i], s -> new long[2])[0]++;
        }
        // Score descending, then who reached it first, then user id (p%07d: the index's order).
        Arrays.sort(
                sorted,
                (a, b) -> scores[a] != scores[b]
                        ? Long.compare(scores[b], scores[a])
                        : reachedAt[a] != reachedAt[b]
                                ? Long.compare(reachedAt[a], reachedAt[b])
                                : Integer.compare(a, b));
        this.order = new int[players];
        this.placeOf = new int[players];
        for (int p = 0; p < players; p++) {
            order[p] = sorted[p];
            placeOf[sorted[p]] = p;
        }
        long above = 0;
        for (long score : ((TreeMap<Long, long[]>) histogram).descendingKeySet()) {
            long[] bucket = histogram.get(score);
            bucket[1] = above;
            above += bucket[0];
        }
    }

    int players() {
        return players;
    }

    int distinctScores() {
        return histogram.size();
    }

    static String userId(int player) {
        return String.format(Locale.ROOT, "p%07d", player);
    }

    static String displayName(int player) {
        return "Player " + player;
    }

    /** The player at {@code place} in display order (0 the first). */
    int playerAt(int place) {
        return order[place];
    }

    int placeOf(int player) {
        return placeOf[player];
    }

    long rank(int player) {
        return 1 + histogram.get(scores[player])[1];
    }

    /** Whether the keyspace already holds this data set: its top row, every player's histogram row, display names. */
    boolean loadedIn(CqlSession session, String keyspace) {
        Row top = session.execute(
                        LeaderboardTables.TOP_PLAYERS.selectCql(keyspace) + " WHERE tournament = ?", TOURNAMENT)
                .one();
        Row name = session.execute(
                        LeaderboardTables.PLAYER_NAMES.selectCql(keyspace) + " WHERE user_id = ?", userId(players - 1))
                .one();
        if (top == null || name == null) {
            return false;
        }
        long held = 0;
        for (Row row : session.execute(
                LeaderboardTables.SCORE_HISTOGRAM.selectCql(keyspace) + " WHERE tournament = ?", TOURNAMENT)) {
            held += LeaderboardTables.SCORE_HISTOGRAM.read(row).getPlayers();
        }
        return held == players
                && LeaderboardTables.TOP_PLAYERS
                        .read(top)
                        .getPlayers()
                        .get(0)
                        .getUserId()
                        .equals(userId(order[0]));
    }

    /** Writes every row, 256 at a time in flight; the top row last, so a partial load is never taken as whole. */
    void load(CqlSession session, String keyspace) throws InterruptedException {
        AsyncRowWriter<LeaderboardUpdate> scoresRows =
                new AsyncRowWriter<>(session, keyspace, LeaderboardTables.PLAYER_SCORES);
        AsyncRowWriter<PlayerPosition> placeRows =
                new AsyncRowWriter<>(session, keyspace, LeaderboardTables.SCORE_ORDER);
        AsyncRowWriter<PlayerName> nameRows = new AsyncRowWriter<>(session, keyspace, LeaderboardTables.PLAYER_NAMES);
        long begin = System.nanoTime();
        for (int i = 0; i < players; i++) {
            scoresRows.write(new LeaderboardUpdate(TOURNAMENT, userId(i), scores[i], reachedAt[i]));
            placeRows.write(new PlayerPosition(TOURNAMENT, scores[i], reachedAt[i], userId(i), true, 1));
            nameRows.write(new PlayerName(userId(i), displayName(i), MONTH_START));
            if ((i + 1) % 100_000 == 0) {
                System.out.printf(Locale.ROOT, "  %,d players written%n", i + 1);
            }
        }
        AsyncRowWriter<ScoreBucket> bucketRows =
                new AsyncRowWriter<>(session, keyspace, LeaderboardTables.SCORE_HISTOGRAM);
        histogram.forEach((score, b) -> bucketRows.write(new ScoreBucket(TOURNAMENT, score, b[0], b[1])));
        scoresRows.await();
        placeRows.await();
        nameRows.await();
        bucketRows.await();
        List<RankedPlayer> top = new ArrayList<>();
        for (int p = 0; p < Math.min(TOP, players); p++) {
            int i = order[p];
            top.add(new RankedPlayer(userId(i), scores[i], rank(i), reachedAt[i]));
        }
        AsyncRowWriter<TopPlayers> topRow = new AsyncRowWriter<>(session, keyspace, LeaderboardTables.TOP_PLAYERS);
        topRow.write(new TopPlayers(TOURNAMENT, MONTH_START + MONTH_MILLIS - 1, true, top));
        topRow.await();
        System.out.printf(
                Locale.ROOT,
                "  %,d players, %,d histogram rows and the top %d written in %.0f s%n",
                players,
                histogram.size(),
                TOP,
                (System.nanoTime() - begin) / 1e9);
    }

    /** The report's line on the data set. */
    String describe(String keyspace) {
        long largest = histogram.values().stream().mapToLong(b -> b[0]).max().orElse(0);
        return String.format(
                Locale.ROOT,
                "keyspace %s, tournament %s: %,d players (player i scores floor(5000 / (1 + i/100)^0.7)), %,d distinct"
                        + " scores (the most held by %,d players), rows as the job writes them in leaderboard_player_scores,"
                        + " leaderboard_score_order, leaderboard_score_histogram and the top %d, a display name per player"
                        + " (leaderboard_players), no tombstones",
                keyspace,
                TOURNAMENT,
                players,
                histogram.size(),
                largest,
                TOP);
    }
}
