package dev.tally.jobs.leaderboard;

import dev.tally.connectors.kafka.RecordValidator;
import dev.tally.schema.leaderboard.MatchResult;
import java.time.Duration;

/**
 * Rejects results without ids, with a game that would make the tournament key ambiguous, with points
 * outside [0, max] or a negative revision, and whose event time or publication time is implausible
 * relative to when Kafka received them (the broker timestamp, so a replay from Kafka judges as the live run did).
 */
public final class MatchValidator implements RecordValidator<MatchResult> {

    private static final long serialVersionUID = 1L;

    private final int maxPoints;
    private final long maxAgeMillis;
    private final long maxFutureMillis;

    public MatchValidator(int maxPoints, Duration maxAge, Duration maxFuture) {
        this.maxPoints = maxPoints;
        this.maxAgeMillis = maxAge.toMillis();
        this.maxFutureMillis = maxFuture.toMillis();
    }

    @Override
    public Rejection check(MatchResult result, long kafkaTimestamp) {
        if (isBlank(result.getMatchId())) {
            return new Rejection("MISSING_FIELD", "match_id is empty");
        }
        if (isBlank(result.getUserId())) {
            return new Rejection("MISSING_FIELD", "user_id is empty");
        }
        if (isBlank(result.getGame())) {
            return new Rejection("MISSING_FIELD", "game is empty");
        }
        if (result.getGame().indexOf('#') >= 0) {
            return new Rejection(
                    "INVALID_FIELD", "game contains '#', which separates a tournament's game from its month");
        }
        if (result.getRevision() < 0) {
            return new Rejection("INVALID_FIELD", "revision " + result.getRevision() + " is negative");
        }
        if (result.getPoints() < 0 || result.getPoints() > maxPoints) {
            return new Rejection(
                    "POINTS_OUT_OF_RANGE", "points " + result.getPoints() + " are outside [0, " + maxPoints + "]");
        }
        RecordValidator.Rejection ts = RecordValidator.eventTimeOutOfRange(
                "ts", result.getTs(), kafkaTimestamp, maxAgeMillis, maxFutureMillis);
        if (ts != null || result.getPublishedAt() == null) {
            return ts;
        }
        // Watermarks follow it (ResultTime): one far ahead would make everyone's results late.
        return RecordValidator.eventTimeOutOfRange(
                "published_at", result.getPublishedAt(), kafkaTimestamp, maxAgeMillis, maxFutureMillis);
    }

    private static boolean isBlank(CharSequence value) {
        return value == null || value.toString().isBlank();
    }
}
