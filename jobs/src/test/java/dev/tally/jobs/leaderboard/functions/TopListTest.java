package dev.tally.jobs.leaderboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopListTest {

    private static Standing s(String user, long score, long reachedAt) {
        return new Standing(user, score, reachedAt);
    }

    private static List<String> users(List<Standing> standings) {
        return standings.stream().map(st -> st.userId).toList();
    }

    @Test
    void ordersByScoreThenWhoReachedItFirstThenUserId() {
        TopList list = TopList.empty(10);
        list.place(s("carol", 3, 50));
        list.place(s("bob", 5, 70));
        list.place(s("dave", 3, 40));
        list.place(s("erin", 3, 40));
        list.place(s("al", 5, 60));
        assertThat(users(list.top(10))).containsExactly("al", "bob", "dave", "erin", "carol");
        assertThat(users(list.top(2))).containsExactly("al", "bob");
    }

    @Test
    void aPlayerWhoseScoreChangesIsReplacedNotListedTwice() {
        TopList list = TopList.empty(10);
        list.place(s("a", 1, 10));
        list.place(s("b", 2, 20));
        list.place(s("a", 3, 30));
        assertThat(users(list.entries())).containsExactly("a", "b");
        assertThat(list.entries().get(0).score).isEqualTo(3);
    }

    @Test
    void overCapacityTheLastLeavesAndOutsidersEnterOnlyAheadOfTheLast() {
        TopList list = TopList.empty(2);
        list.place(s("a", 5, 1));
        list.place(s("b", 4, 1));
        list.place(s("c", 3, 1));
        assertThat(users(list.entries())).containsExactly("a", "b");
        assertThat(list.everyoneListed()).isFalse();
        // c rises to 4 but reached it later than b: it still ranks after the last entry.
        assertThat(list.place(s("c", 4, 2))).isFalse();
        assertThat(list.place(s("c", 6, 3))).isTrue();
        assertThat(users(list.entries())).containsExactly("c", "a");
    }

    @Test
    void aListedPlayerPushedBehindTheLastLeavesAndTheListSaysIncomplete() {
        TopList list = TopList.empty(3);
        list.place(s("a", 9, 1));
        list.place(s("b", 8, 1));
        list.place(s("c", 7, 1));
        list.place(s("d", 6, 1));
        assertThat(users(list.entries())).containsExactly("a", "b", "c");
        assertThat(list.isComplete(2)).isTrue();
        // A correction takes a's points away: d (outside) might now rank before it, so a leaves.
        assertThat(list.place(s("a", 0, 1))).isTrue();
        assertThat(users(list.entries())).containsExactly("b", "c");
        assertThat(list.isComplete(2)).isTrue();
        list.place(s("b", 0, 1));
        assertThat(users(list.entries())).containsExactly("c");
        assertThat(list.isComplete(2)).isFalse();
    }

    @Test
    void theLastEntryScoringWithoutPassingTheOneBeforeStays() {
        TopList list = TopList.empty(3);
        list.place(s("a", 9, 1));
        list.place(s("b", 8, 1));
        list.place(s("c", 5, 1));
        list.place(s("d", 4, 1));
        assertThat(list.everyoneListed()).isFalse();
        // c scores (6, still behind b): d and everyone else outside ranked after c's 5, so after 6.
        assertThat(list.place(s("c", 6, 2))).isTrue();
        assertThat(users(list.entries())).containsExactly("a", "b", "c");
        assertThat(list.isComplete(3)).isTrue();
        // A correction that pushes c below where it was: who is next is unknown, so it leaves.
        assertThat(list.place(s("c", 5, 3))).isTrue();
        assertThat(users(list.entries())).containsExactly("a", "b");
        // An outsider that would rank last does not enter.
        assertThat(list.place(s("d", 5, 4))).isFalse();
        assertThat(users(list.entries())).containsExactly("a", "b");
    }

    @Test
    void whileEveryoneIsListedAPushedDownPlayerStays() {
        TopList list = TopList.empty(5);
        list.place(s("a", 5, 1));
        list.place(s("b", 4, 1));
        list.place(s("a", 0, 1));
        assertThat(users(list.entries())).containsExactly("b", "a");
        assertThat(list.isComplete(10)).isTrue();
    }
}
