package dev.tally.loadgen.leaderboard.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerKey;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerScore;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.ScoreCount;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.ScoreKey;
import dev.tally.schema.leaderboard.MatchResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reference against the SPEC's rules (the job's README), with every expected value worked out by
 * hand: effective result = highest revision, then more points; score = sum; reached_at = latest ts with
 * points, else earliest ts; display order score desc, reached_at asc, user_id asc; rank = 1 + players
 * with a strictly higher score; top K = the first K; histogram rows for held scores with players_above.
 */
class LeaderboardReferenceTest {

    private static final long T = Instant.parse("2026-12-10T12:00:00Z").toEpochMilli();
    private static final String CHESS = "chess#2026-12";

    @Test
    void aHigherRevisionReplacesTheResult() {
        LeaderboardStandings s =
                compute(10, win("m1", "alice", T, 0), loss("m1", "alice", T, 1), win("m2", "alice", T + 2000, 0));

        assertThat(s.players()).containsExactly(Map.entry(player("alice"), new PlayerScore(1, T + 2000)));
    }

    @Test
    void aLowerRevisionChangesNothingWhateverItsPointsOrArrival() {
        LeaderboardStandings s = compute(10, loss("m1", "alice", T, 1), win("m1", "alice", T, 0));

        assertThat(s.players()).containsExactly(Map.entry(player("alice"), new PlayerScore(0, T)));
    }

    @Test
    void ofTwoEqualRevisionsTheOneWithMorePointsCountsInEitherOrder() {
        PlayerScore expected = new PlayerScore(1, T);

        assertThat(compute(10, loss("m1", "alice", T, 0), win("m1", "alice", T, 0))
                        .players()
                        .get(player("alice")))
                .isEqualTo(expected);
        assertThat(compute(10, win("m1", "alice", T, 0), loss("m1", "alice", T, 0))
                        .players()
                        .get(player("alice")))
                .isEqualTo(expected);
    }

    @Test
    void anExactDuplicateCountsOnce() {
        LeaderboardStandings s =
                compute(10, win("m1", "alice", T, 0), win("m1", "alice", T, 0), win("m2", "alice", T + 1000, 0));

        assertThat(s.players().get(player("alice"))).isEqualTo(new PlayerScore(2, T + 1000));
    }

    @Test
    void aCorrectionToNoPointsMovesReachedAtBackToThePreviousResultWithPoints() {
        List<MatchResult> results = new ArrayList<>(List.of(
                loss("m0", "alice", T - 5000, 0),
                win("m1", "alice", T, 0),
                loss("m2", "alice", T + 1000, 0),
                win("m3", "alice", T + 2000, 0)));
        assertThat(compute(10, results).players().get(player("alice"))).isEqualTo(new PlayerScore(2, T + 2000));

        // m3 becomes a loss: back to m1 (m2, later, had no points).
        results.add(loss("m3", "alice", T + 2000, 1));
        assertThat(compute(10, results).players().get(player("alice"))).isEqualTo(new PlayerScore(1, T));

        // m1 too: no points left, so the earliest result, m0.
        results.add(loss("m1", "alice", T, 1));
        assertThat(compute(10, results).players().get(player("alice"))).isEqualTo(new PlayerScore(0, T - 5000));
    }

    @Test
    void aPlayerWithoutPointsScoresZeroReachedAtItsEarliestResult() {
        LeaderboardStandings s =
                compute(10, loss("m1", "bob", T + 1000, 0), loss("m2", "bob", T, 0), win("m1", "carol", T + 1000, 0));

        assertThat(s.players().get(player("bob"))).isEqualTo(new PlayerScore(0, T));
        assertThat(s.top().get(CHESS)).containsExactly(new Ranked("carol", 1, 1, T + 1000), new Ranked("bob", 0, 2, T));
        assertThat(s.histogram())
                .containsOnly(
                        Map.entry(new ScoreKey(CHESS, 1), new ScoreCount(1, 0)),
                        Map.entry(new ScoreKey(CHESS, 0), new ScoreCount(1, 1)));
    }

    /**
     * dave 5 (reached T+5000); player-10, player-2 and player-9 2 each, the first two reached at T+1000,
     * player-9 at T+3000; erin 1; bob 0. "player-10" sorts before "player-2": user ids compare as strings.
     */
    private static List<MatchResult> ties() {
        return List.of(
                win("a1", "dave", T + 1000, 0),
                win("a2", "dave", T + 2000, 0),
                win("a3", "dave", T + 3000, 0),
                win("a4", "dave", T + 4000, 0),
                win("a5", "dave", T + 5000, 0),
                win("b1", "player-10", T, 0),
                win("b2", "player-10", T + 1000, 0),
                win("c1", "player-2", T + 500, 0),
                win("c2", "player-2", T + 1000, 0),
                win("d1", "player-9", T + 2000, 0),
                win("d2", "player-9", T + 3000, 0),
                win("e1", "erin", T, 0),
                loss("e1", "bob", T, 0));
    }

    @Test
    void equalScoresShareARankAndListByReachedAtThenUserId() {
        assertThat(compute(10, ties()).top().get(CHESS))
                .containsExactly(
                        new Ranked("dave", 5, 1, T + 5000),
                        new Ranked("player-10", 2, 2, T + 1000),
                        new Ranked("player-2", 2, 2, T + 1000),
                        new Ranked("player-9", 2, 2, T + 3000),
                        new Ranked("erin", 1, 5, T),
                        new Ranked("bob", 0, 6, T));
    }

    @Test
    void aTieAcrossPositionKListsExactlyK() {
        assertThat(compute(3, ties()).top().get(CHESS))
                .containsExactly(
                        new Ranked("dave", 5, 1, T + 5000),
                        new Ranked("player-10", 2, 2, T + 1000),
                        new Ranked("player-2", 2, 2, T + 1000));
        assertThat(compute(2, ties()).top().get(CHESS)).hasSize(2);
        assertThat(compute(1, ties()).top().get(CHESS)).containsExactly(new Ranked("dave", 5, 1, T + 5000));
    }

    @Test
    void theHistogramHasARowPerHeldScoreWithThePlayersAboveIt() {
        assertThat(compute(10, ties()).histogram())
                .containsOnly(
                        Map.entry(new ScoreKey(CHESS, 5), new ScoreCount(1, 0)),
                        Map.entry(new ScoreKey(CHESS, 2), new ScoreCount(3, 1)),
                        Map.entry(new ScoreKey(CHESS, 1), new ScoreCount(1, 4)),
                        Map.entry(new ScoreKey(CHESS, 0), new ScoreCount(1, 5)));
    }

    @Test
    void theTournamentIsTheGameAndTheUtcMonthOfTs() {
        long lastOfNovember = Instant.parse("2026-11-30T23:59:59.999Z").toEpochMilli();
        long firstOfDecember = Instant.parse("2026-12-01T00:00:00.000Z").toEpochMilli();

        assertThat(LeaderboardReference.tournament("chess", lastOfNovember)).isEqualTo("chess#2026-11");
        assertThat(LeaderboardReference.tournament("chess", firstOfDecember)).isEqualTo("chess#2026-12");
        // 00:30 on Dec 1 in Paris is still November in UTC.
        long paris = Instant.parse("2026-12-01T00:30:00+01:00").toEpochMilli();
        assertThat(LeaderboardReference.tournament("go", paris)).isEqualTo("go#2026-11");

        LeaderboardStandings s =
                compute(10, win("n1", "alice", lastOfNovember, 0), win("d1", "alice", firstOfDecember, 0));
        assertThat(s.players())
                .containsOnly(
                        Map.entry(new PlayerKey("chess#2026-11", "alice"), new PlayerScore(1, lastOfNovember)),
                        Map.entry(new PlayerKey("chess#2026-12", "alice"), new PlayerScore(1, firstOfDecember)));
        assertThat(s.top().keySet()).containsExactlyInAnyOrder("chess#2026-11", "chess#2026-12");
    }

    @Test
    void gamesAreSeparateTournaments() {
        LeaderboardStandings s = compute(
                10,
                win("m1", "alice", T, 0),
                result("m2", "go", "alice", 0, T, 0),
                result("m2", "go", "bob", 1, T, 0),
                result("m3", "go", "bob", 1, T + 1000, 0));

        assertThat(s.top().get(CHESS)).containsExactly(new Ranked("alice", 1, 1, T));
        assertThat(s.top().get("go#2026-12"))
                .containsExactly(new Ranked("bob", 2, 1, T + 1000), new Ranked("alice", 0, 2, T));
    }

    @Test
    void theOrderOfTheResultsDoesNotMatter() {
        Random random = new Random(3);
        List<MatchResult> results = new ArrayList<>();
        for (int m = 0; m < 300; m++) {
            String a = "p" + random.nextInt(20);
            String b = "q" + random.nextInt(20);
            long ts = T + random.nextInt(100) * 1000L;
            int revisions = 1 + random.nextInt(3);
            for (int rev = 0; rev < revisions; rev++) {
                int winner = random.nextInt(2);
                results.add(result("m" + m, "chess", a, winner, ts, rev));
                results.add(result("m" + m, "chess", b, 1 - winner, ts, rev));
                if (random.nextInt(4) == 0) {
                    results.add(result("m" + m, "chess", a, winner, ts, rev));
                }
            }
        }
        LeaderboardStandings inOrder = compute(5, results);
        for (int i = 0; i < 5; i++) {
            Collections.shuffle(results, random);
            assertThat(compute(5, results)).isEqualTo(inOrder);
        }
    }

    private static LeaderboardStandings compute(int topK, MatchResult... results) {
        return compute(topK, List.of(results));
    }

    private static LeaderboardStandings compute(int topK, List<MatchResult> results) {
        return LeaderboardReference.compute(results, topK);
    }

    private static PlayerKey player(String user) {
        return new PlayerKey(CHESS, user);
    }

    private static MatchResult win(String match, String user, long ts, int revision) {
        return result(match, "chess", user, 1, ts, revision);
    }

    private static MatchResult loss(String match, String user, long ts, int revision) {
        return result(match, "chess", user, 0, ts, revision);
    }

    private static MatchResult result(String match, String game, String user, int points, long ts, int revision) {
        return new MatchResult(match, game, user, points, ts, revision, null);
    }
}
