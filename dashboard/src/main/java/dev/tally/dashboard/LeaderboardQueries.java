package dev.tally.dashboard;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.jobs.leaderboard.LeaderboardTables;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leaderboard queries, each a prepared statement on one partition: the tournament's top-K row,
 * a player's score row, the histogram row of a score, and the histogram partition for totals and
 * percentiles (one row per distinct score: thousands, not millions).
 */
final class LeaderboardQueries {

    static final String TOP = LeaderboardTables.TOP_PLAYERS.selectCql() + " WHERE tournament = ?";
    static final String PLAYER = LeaderboardTables.PLAYER_SCORES.selectCql() + " WHERE tournament = ? AND user_id = ?";
    static final String BUCKET = LeaderboardTables.SCORE_HISTOGRAM.selectCql() + " WHERE tournament = ? AND score = ?";
    static final String HISTOGRAM = LeaderboardTables.SCORE_HISTOGRAM.selectCql() + " WHERE tournament = ?";

    private final CassandraSessions cassandra;
    private final Map<CqlSession, Map<String, PreparedStatement>> prepared = new ConcurrentHashMap<>();

    LeaderboardQueries(CassandraSessions cassandra) {
        this.cassandra = cassandra;
    }

    /** The tournament's newest top-K list; null before the job wrote one. */
    TopPlayers top(String tournament) {
        return one(TOP, row -> LeaderboardTables.TOP_PLAYERS.read(row), tournament);
    }

    /** The player's score in the tournament; null if it has none. */
    LeaderboardUpdate player(String tournament, String userId) {
        return one(PLAYER, row -> LeaderboardTables.PLAYER_SCORES.read(row), tournament, userId);
    }

    /** How many hold {@code score} and how many hold more; null when no row exists. */
    ScoreBucket bucket(String tournament, long score) {
        return one(BUCKET, row -> LeaderboardTables.SCORE_HISTOGRAM.read(row), tournament, score);
    }

    /** Every score some player holds, highest first (rows of scores nobody holds any more left out). */
    List<ScoreBucket> histogram(String tournament) {
        return cassandra.query(session -> {
            List<ScoreBucket> buckets = new ArrayList<>();
            for (Row row : session.execute(statement(session, HISTOGRAM).bind(tournament))) {
                ScoreBucket bucket = LeaderboardTables.SCORE_HISTOGRAM.read(row);
                if (bucket.getPlayers() > 0) {
                    buckets.add(bucket);
                }
            }
            return buckets;
        });
    }

    private <T> T one(String cql, java.util.function.Function<Row, T> read, Object... values) {
        return cassandra.query(session -> {
            Row row = session.execute(statement(session, cql).bind(values)).one();
            return row == null ? null : read.apply(row);
        });
    }

    private PreparedStatement statement(CqlSession session, String cql) {
        return prepared.computeIfAbsent(session, s -> new ConcurrentHashMap<>()).computeIfAbsent(cql, session::prepare);
    }
}
