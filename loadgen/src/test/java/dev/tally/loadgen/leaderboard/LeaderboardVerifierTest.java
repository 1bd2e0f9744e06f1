package dev.tally.loadgen.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.loadgen.RecordCheck;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import dev.tally.schema.leaderboard.MatchResult;
import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.TopPlayers;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verifier's checks of every published top list, without a job: display order, ranks never falling,
 * and each list the reference's as of its time.
 */
class LeaderboardVerifierTest {

    private static final long T0 =
            java.time.Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();

    private static MatchResult published(String match, String user, int points, long at) {
        return new MatchResult(match, "chess", user, points, T0, 0, at);
    }

    private static TopPlayers list(long asOf, boolean complete, RankedPlayer... players) {
        return new TopPlayers("chess#2026-12", asOf, complete, List.of(players));
    }

    @Test
    void everyListMustBeTheReferencesAsOfItsTime() {
        List<MatchResult> applied = List.of(
                published("m1", "ann", 2, T0 + 10),
                published("m2", "bob", 1, T0 + 20),
                published("m3", "cid", 3, T0 + 30));
        RankedPlayer ann = new RankedPlayer("ann", 2L, 1L, T0);
        RankedPlayer annSecond = new RankedPlayer("ann", 2L, 2L, T0);
        RankedPlayer bob = new RankedPlayer("bob", 1L, 2L, T0);
        RankedPlayer cid = new RankedPlayer("cid", 3L, 1L, T0);

        RecordCheck right = LeaderboardVerifier.everyListAsOfItsTime(
                applied,
                2,
                List.of(list(T0 + 30, true, cid, annSecond), list(T0 + 10, true, ann), list(T0 + 25, true, ann, bob)),
                "leaderboard-top");
        assertThat(right.checked()).isEqualTo(3);
        assertThat(right.passed()).isTrue();

        // As of T0 + 25, bob's result (published at T0 + 20) is missing; as of T0 + 15 it was not out yet.
        RecordCheck wrong = LeaderboardVerifier.everyListAsOfItsTime(
                applied, 2, List.of(list(T0 + 25, true, ann), list(T0 + 15, true, ann, bob)), "leaderboard-top");
        assertThat(wrong.failed()).isEqualTo(2);
    }

    @Test
    void anIncompleteListMustBeAShorterBeginningOfTheReferences() {
        List<MatchResult> applied = List.of(published("m1", "ann", 2, T0 + 10), published("m2", "bob", 1, T0 + 20));
        RankedPlayer ann = new RankedPlayer("ann", 2L, 1L, T0);
        RankedPlayer bob = new RankedPlayer("bob", 1L, 2L, T0);

        assertThat(LeaderboardVerifier.everyListAsOfItsTime(
                                applied, 2, List.of(list(T0 + 20, false, ann)), "leaderboard-top")
                        .passed())
                .isTrue();
        assertThat(LeaderboardVerifier.everyListAsOfItsTime(
                                applied, 2, List.of(list(T0 + 20, false, bob)), "leaderboard-top")
                        .passed())
                .isFalse();
        assertThat(LeaderboardVerifier.everyListAsOfItsTime(
                                applied, 2, List.of(list(T0 + 20, false, ann, bob)), "leaderboard-top")
                        .passed())
                .isFalse();
    }

    @Test
    void aListInDisplayOrderPasses() {
        assertThat(LeaderboardVerifier.inDisplayOrder(List.of(
                        new Ranked("dave", 5, 1, 900),
                        new Ranked("player-10", 2, 2, 100),
                        new Ranked("player-2", 2, 2, 100),
                        new Ranked("erin", 2, 2, 300),
                        new Ranked("bob", 0, 5, 50))))
                .isTrue();
        assertThat(LeaderboardVerifier.inDisplayOrder(List.of())).isTrue();
    }

    @Test
    void aListOutOfDisplayOrderFails() {
        // a lower score first
        assertThat(LeaderboardVerifier.inDisplayOrder(List.of(new Ranked("a", 1, 2, 0), new Ranked("b", 2, 1, 0))))
                .isFalse();
        // equal scores: the later reached_at first
        assertThat(LeaderboardVerifier.inDisplayOrder(List.of(new Ranked("a", 2, 1, 200), new Ranked("b", 2, 1, 100))))
                .isFalse();
        // equal scores and reached_at: user ids out of order
        assertThat(LeaderboardVerifier.inDisplayOrder(List.of(new Ranked("b", 2, 1, 100), new Ranked("a", 2, 1, 100))))
                .isFalse();
        // the same entry twice
        assertThat(LeaderboardVerifier.inDisplayOrder(List.of(new Ranked("a", 2, 1, 100), new Ranked("a", 2, 1, 100))))
                .isFalse();
    }

    @Test
    void aFallingRankFails() {
        assertThat(LeaderboardVerifier.inDisplayOrder(List.of(new Ranked("a", 3, 2, 0), new Ranked("b", 2, 1, 0))))
                .isFalse();
    }
}
