package dev.tally.loadgen.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier's check of every published top list, without a job: display order, ranks never falling. */
class LeaderboardVerifierTest {

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
