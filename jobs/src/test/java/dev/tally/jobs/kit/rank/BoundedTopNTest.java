package dev.tally.jobs.kit.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The kit's top N under an order that is not the ad-click one: a leaderboard's, with ties on score. */
class BoundedTopNTest {

    /** Score descending, then who reached it first, then user id: ties on score are ordered. */
    record Player(String user, long score, long reachedAt) {}

    static final Comparator<Player> LEADERBOARD = Comparator.comparingLong(Player::score)
            .reversed()
            .thenComparingLong(Player::reachedAt)
            .thenComparing(Player::user);

    @Test
    void keepsTheBestNInTheGivenOrderWhateverTheOfferOrder() {
        List<Player> players = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            // Few distinct scores, so most of the list is decided by the tie-breaks.
            players.add(new Player("u" + i, random.nextInt(5), random.nextInt(50)));
        }
        List<Player> expected = new ArrayList<>(players);
        expected.sort(LEADERBOARD);
        expected = expected.subList(0, 10);
        for (int shuffle = 0; shuffle < 5; shuffle++) {
            Collections.shuffle(players, random);
            BoundedTopN<Player> top = new BoundedTopN<>(10, LEADERBOARD);
            players.forEach(top::offer);
            assertThat(top.sorted()).isEqualTo(expected);
            assertThat(top.isFull()).isTrue();
            assertThat(top.worst()).isEqualTo(expected.get(9));
        }
    }

    @Test
    void wouldEnterOnlyWhenThereIsRoomOrItRanksBeforeTheWorst() {
        BoundedTopN<Player> top = new BoundedTopN<>(2, LEADERBOARD);
        assertThat(top.wouldEnter(new Player("a", 0, 0))).isTrue();
        top.offer(new Player("a", 10, 5));
        top.offer(new Player("b", 10, 7));
        // Same score, reached later than the worst: stays out; reached earlier: enters.
        assertThat(top.wouldEnter(new Player("c", 10, 8))).isFalse();
        assertThat(top.wouldEnter(new Player("c", 10, 6))).isTrue();
    }

    @Test
    void raiseReplacesTheSameKeysEntryOnlyWhenItRanksBefore() {
        BoundedTopN<Player> top = new BoundedTopN<>(3, LEADERBOARD);
        top.offer(new Player("a", 10, 1));
        top.offer(new Player("b", 20, 1));
        top.raise(new Player("a", 30, 2), (x, y) -> x.user().equals(y.user()));
        top.raise(new Player("b", 5, 3), (x, y) -> x.user().equals(y.user()));
        assertThat(top.sorted()).containsExactly(new Player("a", 30, 2), new Player("b", 20, 1));
    }

    @Test
    void mergeKeepsEachKeysBestEntryAcrossSubtasksLists() {
        List<Player> first = List.of(new Player("a", 10, 1), new Player("b", 8, 1));
        List<Player> second = List.of(new Player("a", 12, 4), new Player("c", 9, 2), new Player("d", 1, 1));
        assertThat(BoundedTopN.merge(3, LEADERBOARD, Player::user, List.of(first, second)))
                .containsExactly(new Player("a", 12, 4), new Player("c", 9, 2), new Player("b", 8, 1));
    }

    @Test
    void refusesAnEmptyList() {
        assertThatThrownBy(() -> new BoundedTopN<>(0, LEADERBOARD)).isInstanceOf(IllegalArgumentException.class);
    }
}
