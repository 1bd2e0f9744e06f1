package dev.tally.loadgen.leaderboard.reference;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The final state a correct leaderboard job leaves, as plain values that compare by equality: every
 * player's score and reached_at, every held score's histogram row, and each tournament's top K. The
 * verifier maps what the job wrote into these same records, so a difference is a {@code Comparison} away.
 *
 * @param topK the K the top lists were cut at
 * @param players (tournament, user) to score and reached_at, for every player with a result
 * @param histogram (tournament, score) to players and players_above, for every score at least one player holds
 * @param top tournament to its first K players in display order, with ranks
 */
public record LeaderboardStandings(
        int topK,
        Map<PlayerKey, PlayerScore> players,
        Map<ScoreKey, ScoreCount> histogram,
        Map<String, List<Ranked>> top) {

    /** A player of a tournament ({@code game#yyyy-MM}). */
    public record PlayerKey(String tournament, String userId) {}

    /** A player's score and the event time it first reached it. */
    public record PlayerScore(long score, long reachedAt) {}

    /** A score of a tournament: a histogram row's key. */
    public record ScoreKey(String tournament, long score) {}

    /** How many players hold a score and how many hold a higher one (rank = 1 + playersAbove). */
    public record ScoreCount(long players, long playersAbove) {}

    /** An entry of a top list. */
    public record Ranked(String userId, long score, long rank, long reachedAt) {}

    /** The SPEC's display order: score descending, then reached_at ascending, then user_id ascending. */
    public static final Comparator<Ranked> DISPLAY_ORDER = Comparator.comparingLong(Ranked::score)
            .reversed()
            .thenComparingLong(Ranked::reachedAt)
            .thenComparing(Ranked::userId);
}
