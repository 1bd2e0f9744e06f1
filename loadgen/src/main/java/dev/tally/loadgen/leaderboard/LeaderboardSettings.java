package dev.tally.loadgen.leaderboard;

import java.time.Duration;

/**
 * What the match-result generator produces: how many records, over how many players and games, how
 * dense in event time, and what share of the records each injected fault takes.
 *
 * @param records records to produce, faults included
 * @param players distinct players besides the bot, with Zipf-skewed activity of {@code zipfExponent}
 * @param matchesPerSecond two-player matches per second of event time
 * @param startMillis event time of the first match
 * @param maxDisorder how far behind the stream front a match's ts may be
 * @param correctionShare share of records that are corrections (two per corrected match)
 * @param lateShare share of records that are new matches {@code lateBy} behind the front (two per match)
 * @param staleDuplicateShare share of records that re-send a result more than {@code staleBy} behind the front
 * @param botShare share of matches the bot player plays in
 */
public record LeaderboardSettings(
        long seed,
        long records,
        int players,
        double zipfExponent,
        int games,
        long matchesPerSecond,
        long startMillis,
        Duration maxDisorder,
        double duplicateShare,
        double correctionShare,
        double lateShare,
        Duration lateBy,
        double staleDuplicateShare,
        Duration staleBy,
        double malformedShare,
        double botShare) {

    public LeaderboardSettings {
        if (maxDisorder.isNegative() || lateBy.isNegative() || staleBy.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (players < 2 || games < 1 || matchesPerSecond < 1) {
            throw new IllegalArgumentException("need at least 2 players, 1 game and 1 match per second");
        }
        for (double share :
                new double[] {duplicateShare, correctionShare, lateShare, staleDuplicateShare, malformedShare, botShare
                }) {
            if (share < 0 || share > 1) {
                throw new IllegalArgumentException("shares must be in [0, 1], was " + share);
            }
        }
        if (duplicateShare + correctionShare + lateShare + staleDuplicateShare + malformedShare >= 1) {
            throw new IllegalArgumentException("fault shares must add up to less than 1");
        }
    }

    /**
     * Small, fault-rich settings for tests: 200 players, 2 games, 20 matches per second of event time, so
     * 200,000 records span about 80 minutes; late results 30 minutes behind, stale duplicates 20 (tests
     * use no job).
     */
    public static LeaderboardSettings forTest(long seed, long records, long startMillis) {
        return new LeaderboardSettings(
                seed,
                records,
                200,
                1.0,
                2,
                20,
                startMillis,
                Duration.ofMillis(500),
                0.02,
                0.02,
                0.01,
                Duration.ofMinutes(30),
                0.005,
                Duration.ofMinutes(20),
                0.01,
                0.02);
    }
}
