package dev.tally.jobs.leaderboard;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.jobs.leaderboard.functions.PlayerPosition;
import dev.tally.jobs.leaderboard.functions.Tournaments;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The leaderboard job's Cassandra tables (created by {@code cql/40-leaderboard.cql}), each defined
 * once: the sinks, the verifier and the dashboard all use these. No Flink class is touched here.
 *
 * <p>A replay recalculates whole tournaments: a table's rows in a range are those of the tournaments
 * whose month lies within it.
 */
public final class LeaderboardTables {

    /** Every player's score, one partition per (tournament, player). */
    public static final ResultTable<LeaderboardUpdate> PLAYER_SCORES = ResultTable.of(
                    "leaderboard_player_scores",
                    2,
                    List.of("tournament", "user_id"),
                    List.of("score", "reached_at"),
                    u -> new Object[] {
                        u.getTournament(), u.getUserId(), u.getScore(), Instant.ofEpochMilli(u.getReachedAt())
                    },
                    row -> new LeaderboardUpdate(
                            row.getString("tournament"),
                            row.getString("user_id"),
                            row.getLong("score"),
                            row.getInstant("reached_at").toEpochMilli()))
            .withRange((u, from, to) -> Tournaments.within(u.getTournament(), from, to));

    /**
     * Players per score and above it: a rank is one read. The row of a score nobody holds any more
     * (players = 0) is not a result: a replay, which emits each player once, never writes it.
     */
    public static final ResultTable<ScoreBucket> SCORE_HISTOGRAM = ResultTable.of(
                    "leaderboard_score_histogram",
                    1,
                    List.of("tournament", "score"),
                    List.of("players", "players_above"),
                    b -> new Object[] {b.getTournament(), b.getScore(), b.getPlayers(), b.getPlayersAbove()},
                    row -> new ScoreBucket(
                            row.getString("tournament"),
                            row.getLong("score"),
                            row.getLong("players"),
                            row.getLong("players_above")))
            .withRange((b, from, to) -> b.getPlayers() > 0 && Tournaments.within(b.getTournament(), from, to));

    /**
     * The newest top K per tournament. The write timestamp is the list's as-of time, so an older list
     * never overwrites a newer one whatever order the writes arrive in. No range: the latest list is
     * not reconciled (a live run's as-of moves on with each list, a replay's is its one list's), its
     * players are those of the player scores, which are.
     */
    public static final ResultTable<TopPlayers> TOP_PLAYERS = ResultTable.of(
                    "leaderboard_top_players",
                    1,
                    List.of("tournament"),
                    List.of("as_of", "complete", "user_ids", "scores", "ranks", "reached_ats"),
                    LeaderboardTables::topRow,
                    LeaderboardTables::readTop)
            .withWriteTimestamp(t -> t.getAsOf() * 1000);

    /**
     * Players in display order within each score, for neighbours. Written by UPDATE at the player's
     * emission timestamp: a player's move sets its old place's {@code present} to null (removing the
     * row) and its new one's to true, and its last move wins in any arrival order. Read, a row is a
     * player's current place.
     */
    public static final ResultTable<PlayerPosition> SCORE_ORDER = ResultTable.<PlayerPosition>of(
                    "leaderboard_score_order",
                    2,
                    List.of("tournament", "score", "reached_at", "user_id"),
                    List.of("present"),
                    p -> new Object[] {
                        p.tournament,
                        p.score,
                        Instant.ofEpochMilli(p.reachedAt),
                        p.userId,
                        p.present ? Boolean.TRUE : null
                    },
                    row -> new PlayerPosition(
                            row.getString("tournament"),
                            row.getLong("score"),
                            row.getInstant("reached_at").toEpochMilli(),
                            row.getString("user_id"),
                            row.getBoolean("present"),
                            0))
            .writtenByUpdate()
            .withWriteTimestamp(p -> p.writeMicros)
            .withRange((p, from, to) -> Tournaments.within(p.tournament, from, to));

    /**
     * Players' display names ({@code cql/008-leaderboard-players.cql}), one partition per player,
     * written by {@code ./tally players import} {@code USING TIMESTAMP} of the name's time, so an older
     * import never overwrites a newer name; the API reads them. Not a result of the job, so not in
     * {@link #ALL}.
     */
    public static final ResultTable<PlayerName> PLAYER_NAMES = ResultTable.of(
                    "leaderboard_players",
                    1,
                    List.of("user_id"),
                    List.of("display_name", "updated_at"),
                    p -> new Object[] {p.userId(), p.displayName(), Instant.ofEpochMilli(p.updatedAt())},
                    row -> new PlayerName(
                            row.getString("user_id"),
                            row.getString("display_name"),
                            row.getInstant("updated_at").toEpochMilli()))
            .withWriteTimestamp(p -> p.updatedAt() * 1000);

    public static final List<ResultTable<?>> ALL = List.of(PLAYER_SCORES, SCORE_HISTOGRAM, TOP_PLAYERS, SCORE_ORDER);

    private LeaderboardTables() {}

    /** The Kafka key of a player's update: one player's updates stay in order on one partition. */
    public static String playerKey(LeaderboardUpdate u) {
        return u.getTournament() + "#" + u.getUserId();
    }

    private static Object[] topRow(TopPlayers t) {
        List<RankedPlayer> players = t.getPlayers();
        return new Object[] {
            t.getTournament(),
            Instant.ofEpochMilli(t.getAsOf()),
            t.getComplete(),
            players.stream().map(RankedPlayer::getUserId).toList(),
            players.stream().map(RankedPlayer::getScore).toList(),
            players.stream().map(RankedPlayer::getRank).toList(),
            players.stream().map(p -> Instant.ofEpochMilli(p.getReachedAt())).toList()
        };
    }

    private static TopPlayers readTop(Row row) {
        List<String> users = row.getList("user_ids", String.class);
        List<Long> scores = row.getList("scores", Long.class);
        List<Long> ranks = row.getList("ranks", Long.class);
        List<Instant> reached = row.getList("reached_ats", Instant.class);
        List<RankedPlayer> players = new ArrayList<>(users.size());
        for (int i = 0; i < users.size(); i++) {
            players.add(new RankedPlayer(
                    users.get(i), scores.get(i), ranks.get(i), reached.get(i).toEpochMilli()));
        }
        return new TopPlayers(
                row.getString("tournament"),
                row.getInstant("as_of").toEpochMilli(),
                row.getBoolean("complete"),
                players);
    }
}
