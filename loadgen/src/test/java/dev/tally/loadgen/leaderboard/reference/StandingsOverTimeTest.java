package dev.tally.loadgen.leaderboard.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.loadgen.leaderboard.ExpectedLeaderboard;
import dev.tally.loadgen.leaderboard.LeaderboardGenerator;
import dev.tally.loadgen.leaderboard.LeaderboardSettings;
import dev.tally.loadgen.leaderboard.LeaderboardTruth;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import dev.tally.schema.leaderboard.MatchResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference's list as of a time: the results published by then, corrections from their publication on. */
class StandingsOverTimeTest {

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final String CHESS = "chess#2026-12";

    private static MatchResult result(String match, String user, int points, long ts, int revision, long published) {
        return new MatchResult(match, "chess", user, points, ts, revision, published);
    }

    @Test
    void aListAsOfATimeHoldsTheResultsPublishedByThen() {
        StandingsOverTime over = new StandingsOverTime(
                List.of(
                        result("m1", "ann", 1, T0, 0, T0 + 10),
                        result("m1", "bob", 0, T0, 0, T0 + 10),
                        result("m2", "cid", 1, T0 + 100, 0, T0 + 100),
                        result("m2", "dan", 0, T0 + 100, 0, T0 + 100),
                        // The referee reverses m1 ten minutes later: from then on bob won it.
                        result("m1", "ann", 0, T0, 1, T0 + 600_000),
                        result("m1", "bob", 1, T0, 1, T0 + 600_000)),
                2);

        assertThat(over.topAsOf(CHESS, T0 + 9)).isEmpty();
        assertThat(over.topAsOf(CHESS, T0 + 10))
                .containsExactly(new Ranked("ann", 1, 1, T0), new Ranked("bob", 0, 2, T0));
        // A tie at the top: both rank 1, ann first, having reached 1 first.
        assertThat(over.topAsOf(CHESS, T0 + 100))
                .containsExactly(new Ranked("ann", 1, 1, T0), new Ranked("cid", 1, 1, T0 + 100));
        assertThat(over.topAsOf(CHESS, T0 + 599_999))
                .containsExactly(new Ranked("ann", 1, 1, T0), new Ranked("cid", 1, 1, T0 + 100));
        assertThat(over.topAsOf(CHESS, T0 + 600_000))
                .containsExactly(new Ranked("bob", 1, 1, T0), new Ranked("cid", 1, 1, T0 + 100));
        assertThat(over.topAsOf("go#2026-12", T0)).isEmpty();
        assertThatThrownBy(() -> over.topAsOf(CHESS, T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResultWithATsAfterItsPublicationCountsFromItsTs() {
        StandingsOverTime over = new StandingsOverTime(List.of(result("m1", "ann", 1, T0 + 50, 0, T0)), 10);

        assertThat(over.topAsOf(CHESS, T0 + 49)).isEmpty();
        assertThat(over.topAsOf(CHESS, T0 + 50)).containsExactly(new Ranked("ann", 1, 1, T0 + 50));
    }

    @Test
    void aResultWithoutAPublicationTimeCountsFromItsTs() {
        StandingsOverTime over =
                new StandingsOverTime(List.of(new MatchResult("m1", "chess", "ann", 1, T0, 0, null)), 10);

        assertThat(over.topAsOf(CHESS, T0 - 1)).isEmpty();
        assertThat(over.topAsOf(CHESS, T0)).containsExactly(new Ranked("ann", 1, 1, T0));
    }

    @Test
    void atTheEndOfAGeneratedStreamEachListIsTheFinalOne() {
        LeaderboardTruth truth = new LeaderboardTruth();
        new LeaderboardGenerator(
                        LeaderboardSettings.forTest(
                                5, 50_000, Instant.parse("2026-12-10T08:00:00Z").toEpochMilli()),
                        truth)
                .forEachRemaining(r -> {});
        ExpectedLeaderboard expected = truth.expected(10);
        StandingsOverTime over = new StandingsOverTime(expected.sentApplying(expected.late()), 10);

        assertThat(expected.standings().top())
                .isNotEmpty()
                .allSatisfy((tournament, top) ->
                        assertThat(over.topAsOf(tournament, Long.MAX_VALUE)).isEqualTo(top));
    }
}
