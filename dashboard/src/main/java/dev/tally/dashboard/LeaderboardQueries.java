package dev.tally.dashboard;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.tally.jobs.leaderboard.LeaderboardTables;
import dev.tally.jobs.leaderboard.PlayerName;
import dev.tally.jobs.leaderboard.functions.PlayerPosition;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leaderboard queries, each a prepared statement on one partition: the tournament's top-K row,
 * a player's score row, the histogram partition for totals and
 * percentiles (one row per distinct score: thousands, not millions), and slices of a score's
 * partition of the order table for neighbours, and players' display names.
 */
final class LeaderboardQueries {

    static final String TOP = LeaderboardTables.TOP_PLAYERS.selectCql() + " WHERE tournament = ?";
    static final String PLAYER = LeaderboardTables.PLAYER_SCORES.selectCql() + " WHERE tournament = ? AND user_id = ?";
    static final String HISTOGRAM = LeaderboardTables.SCORE_HISTOGRAM.selectCql() + " WHERE tournament = ?";
    private static final String AT_SCORE =
            LeaderboardTables.SCORE_ORDER.selectCql() + " WHERE tournament = ? AND score = ?";
    private static final String DESCENDING = " ORDER BY reached_at DESC, user_id DESC LIMIT ?";
    static final String BEFORE_IN_SCORE = AT_SCORE + " AND (reached_at, user_id) < (?, ?)" + DESCENDING;
    static final String AFTER_IN_SCORE = AT_SCORE + " AND (reached_at, user_id) > (?, ?) LIMIT ?";
    static final String LAST_IN_SCORE = AT_SCORE + DESCENDING;
    static final String FIRST_IN_SCORE = AT_SCORE + " LIMIT ?";
    static final String NAMES = LeaderboardTables.PLAYER_NAMES.selectCql() + " WHERE user_id IN ?";

    private final CassandraSessions cassandra;
    static final Duration HISTOGRAM_MAX_AGE = Duration.ofSeconds(1);

    private final Map<CqlSession, Map<String, PreparedStatement>> prepared = new ConcurrentHashMap<>();
    private final LoadingCache<String, List<ScoreBucket>> histograms = Caffeine.newBuilder()
            .expireAfterWrite(HISTOGRAM_MAX_AGE)
            .maximumSize(1_000)
            .build(this::readHistogram);

    /** How stale a display name may be: names change seldom, and a top list's ten are read on every request. */
    static final Duration NAME_MAX_AGE = Duration.ofSeconds(30);

    private final LoadingCache<String, Optional<String>> names = Caffeine.newBuilder()
            .expireAfterWrite(NAME_MAX_AGE)
            .maximumSize(100_000)
            .build(new CacheLoader<>() {
                @Override
                public Optional<String> load(String userId) {
                    return readNames(Set.of(userId)).get(userId);
                }

                @Override
                public Map<String, Optional<String>> loadAll(Set<? extends String> userIds) {
                    return readNames(userIds);
                }
            });

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

    /**
     * Every score some player holds, highest first (rows of scores nobody holds any more left out), as
     * read at most {@link #HISTOGRAM_MAX_AGE} ago. Every player query needs the whole partition (the
     * total, the ranks of the neighbours, the held scores around the player's): read anew for each at
     * 100 requests/s, its thousands of rows took the machine's CPU from every other query (BENCHMARKS.md,
     * "bench dashboard leaderboard"). The job rewrites it once per checkpoint, seconds apart.
     */
    List<ScoreBucket> histogram(String tournament) {
        return histograms.get(tournament);
    }

    private List<ScoreBucket> readHistogram(String tournament) {
        return cassandra.query(session -> {
            List<ScoreBucket> buckets = new ArrayList<>();
            for (Row row : session.execute(statement(session, HISTOGRAM).bind(tournament))) {
                ScoreBucket bucket = LeaderboardTables.SCORE_HISTOGRAM.read(row);
                if (bucket.getPlayers() > 0) {
                    buckets.add(bucket);
                }
            }
            return List.copyOf(buckets);
        });
    }

    /** The display names of those of {@code userIds} that have one ({@code leaderboard_players}), as read at most {@link #NAME_MAX_AGE} ago. */
    Map<String, String> names(Collection<String> userIds) {
        Map<String, String> named = new HashMap<>();
        names.getAll(userIds).forEach((user, name) -> name.ifPresent(n -> named.put(user, n)));
        return named;
    }

    /**
     * One statement for all of them (a top list's or a player's neighbours': at most about a hundred): one
     * request and answer instead of one per player. The bench showed one read per player in flight at once
     * doubling the neighbours query's p99 ("The leaderboard's queries" in BENCHMARKS.md).
     */
    private Map<String, Optional<String>> readNames(Set<? extends String> userIds) {
        Map<String, Optional<String>> names = new HashMap<>();
        userIds.forEach(user -> names.put(user, Optional.empty()));
        if (userIds.isEmpty()) {
            return names;
        }
        return cassandra.query(session -> {
            for (Row row : session.execute(statement(session, NAMES).bind(List.copyOf(userIds)))) {
                PlayerName name = LeaderboardTables.PLAYER_NAMES.read(row);
                names.put(name.userId(), Optional.of(name.displayName()));
            }
            return names;
        });
    }

    /**
     * Up to {@code limit} players of {@code score} before the place (reached_at, user_id) in display
     * order, the nearest first; with a null place, the last ones of the score.
     */
    List<PlayerPosition> before(String tournament, long score, PlayerPosition place, int limit) {
        return place == null
                ? positions(LAST_IN_SCORE, tournament, score, limit)
                : positions(
                        BEFORE_IN_SCORE, tournament, score, Instant.ofEpochMilli(place.reachedAt), place.userId, limit);
    }

    /** Up to {@code limit} players of {@code score} after the place in display order, the nearest first; with a null place, its first ones. */
    List<PlayerPosition> after(String tournament, long score, PlayerPosition place, int limit) {
        return place == null
                ? positions(FIRST_IN_SCORE, tournament, score, limit)
                : positions(
                        AFTER_IN_SCORE, tournament, score, Instant.ofEpochMilli(place.reachedAt), place.userId, limit);
    }

    private List<PlayerPosition> positions(String cql, Object... values) {
        return cassandra.query(session -> {
            List<PlayerPosition> positions = new ArrayList<>();
            for (Row row : session.execute(statement(session, cql).bind(values))) {
                positions.add(LeaderboardTables.SCORE_ORDER.read(row));
            }
            return positions;
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
