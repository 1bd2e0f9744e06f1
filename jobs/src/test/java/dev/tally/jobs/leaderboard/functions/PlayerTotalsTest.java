package dev.tally.jobs.leaderboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A player's row restored from before the standings took every change continues from what they hold. */
class PlayerTotalsTest {

    @Test
    void aRowFromBeforeThePlacedChangesTakesTheLastEmittedOneAsPlaced() {
        PlayerTotals restored = new PlayerTotals();
        restored.score = 5;
        restored.latestScoringTs = 2_000;
        restored.emittedScore = 4;
        restored.emittedReachedAt = 1_000;
        restored.emittedMicros = 1_500_000;

        restored.adoptEmittedAsPlaced();

        assertThat(restored.placedScore).isEqualTo(4);
        assertThat(restored.placedReachedAt).isEqualTo(1_000);
        assertThat(restored.placedAsOf).isEqualTo(1_500);
        assertThat(restored.changedSincePlaced()).isTrue();
    }

    @Test
    void aNewRowOrOneThatPlacedChangesIsLeftAlone() {
        PlayerTotals fresh = new PlayerTotals();
        fresh.adoptEmittedAsPlaced();
        assertThat(fresh.placedScore).isEqualTo(ScoreChange.NEW_PLAYER);

        PlayerTotals placed = new PlayerTotals();
        placed.placedScore = 3;
        placed.placedMicros = 7;
        placed.emittedScore = 2;
        placed.emittedMicros = 5;
        placed.adoptEmittedAsPlaced();
        assertThat(placed.placedScore).isEqualTo(3);
    }
}
