package dev.tally.jobs.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schema.leaderboard.MatchResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MatchValidatorTest {

    private static final long NOW = 1_796_000_000_000L;
    private final MatchValidator validator = new MatchValidator(100, Duration.ofDays(7), Duration.ofHours(1));

    private static MatchResult result(String match, String game, String user, int points, long ts, int revision) {
        return new MatchResult(match, game, user, points, ts, revision, null);
    }

    private String reason(MatchResult result) {
        var rejection = validator.check(result, NOW);
        return rejection == null ? null : rejection.reason();
    }

    @Test
    void acceptsAWinALossAndACorrection() {
        assertThat(reason(result("m1", "chess", "u1", 1, NOW, 0))).isNull();
        assertThat(reason(result("m1", "chess", "u2", 0, NOW, 0))).isNull();
        assertThat(reason(result("m1", "chess", "u2", 1, NOW - 60_000, 1))).isNull();
        assertThat(reason(result("m1", "chess", "u2", 100, NOW, 0))).isNull();
    }

    @Test
    void rejectsEmptyIdsAndAGameThatWouldBlurTheTournamentKey() {
        assertThat(reason(result("", "chess", "u1", 1, NOW, 0))).isEqualTo("MISSING_FIELD");
        assertThat(reason(result("m1", " ", "u1", 1, NOW, 0))).isEqualTo("MISSING_FIELD");
        assertThat(reason(result("m1", "chess", "", 1, NOW, 0))).isEqualTo("MISSING_FIELD");
        assertThat(reason(result("m1", "chess#2026-12", "u1", 1, NOW, 0))).isEqualTo("INVALID_FIELD");
        assertThat(reason(result("m1", "chess", "u1", 1, NOW, -1))).isEqualTo("INVALID_FIELD");
    }

    @Test
    void rejectsPointsOutsideTheRange() {
        assertThat(reason(result("m1", "chess", "u1", -1, NOW, 0))).isEqualTo("POINTS_OUT_OF_RANGE");
        assertThat(reason(result("m1", "chess", "u1", 101, NOW, 0))).isEqualTo("POINTS_OUT_OF_RANGE");
    }

    @Test
    void judgesEventTimeAgainstTheKafkaTimestamp() {
        assertThat(reason(
                        result("m1", "chess", "u1", 1, NOW - Duration.ofDays(8).toMillis(), 0)))
                .isEqualTo("TIMESTAMP_OUT_OF_RANGE");
        assertThat(reason(
                        result("m1", "chess", "u1", 1, NOW + Duration.ofHours(2).toMillis(), 0)))
                .isEqualTo("TIMESTAMP_OUT_OF_RANGE");
        assertThat(validator.check(result("m1", "chess", "u1", 1, 0, 0), -1)).isNull();
    }

    @Test
    void judgesThePublicationTimeSoToo() {
        // Watermarks follow it: one far ahead would make every other result late.
        var ahead = validator.check(
                new MatchResult(
                        "m1",
                        "chess",
                        "u1",
                        1,
                        NOW,
                        0,
                        NOW + Duration.ofHours(2).toMillis()),
                NOW);
        assertThat(ahead.reason()).isEqualTo("TIMESTAMP_OUT_OF_RANGE");
        assertThat(ahead.detail()).startsWith("published_at");
        assertThat(validator.check(new MatchResult("m1", "chess", "u1", 1, NOW - 600_000, 1, NOW), NOW))
                .isNull();
    }
}
