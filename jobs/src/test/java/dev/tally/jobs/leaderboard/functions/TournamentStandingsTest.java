package dev.tally.jobs.leaderboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schema.leaderboard.TopPlayers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-tournament stage: histogram rows with players above, competition ranks, lists emitted when they change. */
class TournamentStandingsTest {

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final long END = Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();
    private static final String CHESS = "chess#2026-12";

    private KeyedOneInputStreamOperatorTestHarness<String, ScoreChange, TopPlayers> harness;
    private long watermark = T0;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TournamentStandings(3, 1, Duration.ofHours(1))),
                c -> c.tournament,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** A change as of the next flush's watermark. */
    private void change(String user, long previous, long score, long reachedAt) throws Exception {
        changeAsOf(watermark + 1, user, previous, score, reachedAt);
    }

    private void changeAsOf(long asOf, String user, long previous, long score, long reachedAt) throws Exception {
        harness.processElement(
                new StreamRecord<>(new ScoreChange(CHESS, user, previous, 0, score, reachedAt, asOf, END, 0)));
    }

    private void flush() throws Exception {
        harness.processWatermark(new Watermark(++watermark));
    }

    private List<String> histogram() {
        List<String> rows = harness.getSideOutput(TournamentStandings.HISTOGRAM).stream()
                .map(StreamRecord::getValue)
                .map(b -> b.getScore() + ":" + b.getPlayers() + "/" + b.getPlayersAbove())
                .toList();
        harness.getSideOutput(TournamentStandings.HISTOGRAM).clear();
        return rows;
    }

    private List<String> lists() {
        List<String> lists = harness.extractOutputValues().stream()
                .map(TournamentStandingsTest::describe)
                .toList();
        harness.getOutput().clear();
        return lists;
    }

    private static String describe(TopPlayers top) {
        return (top.getComplete() ? "" : "incomplete ")
                + top.getPlayers().stream()
                        .map(p -> "#" + p.getRank() + " " + p.getUserId() + ":" + p.getScore())
                        .collect(Collectors.joining(", "));
    }

    @Test
    void equalScoresShareARankAndTheFirstToReachItIsListedFirst() throws Exception {
        change("ann", -1, 2, T0 + 5);
        change("bob", -1, 3, T0 + 1);
        change("cid", -1, 2, T0 + 2);
        change("dan", -1, 2, T0 + 9);
        change("eve", -1, 1, T0 + 3);
        flush();
        // A tie across position 3: the list holds exactly 3, in display order.
        assertThat(lists()).containsExactly("#1 bob:3, #2 cid:2, #2 ann:2");
        assertThat(histogram()).containsExactly("3:1/0", "2:3/1", "1:1/4");
    }

    @Test
    void onlyTheRowsAPlayerMovedAcrossAreRewritten() throws Exception {
        change("ann", -1, 5, T0);
        change("bob", -1, 3, T0);
        change("cid", -1, 1, T0);
        flush();
        histogram();
        lists();
        change("cid", 1, 4, T0 + 10);
        flush();
        // cid left 1 (now nobody's: players 0) and passed 3; 5 is untouched.
        assertThat(histogram()).containsExactly("4:1/1", "3:1/2", "1:0/3");
        assertThat(lists()).containsExactly("#1 ann:5, #2 cid:4, #3 bob:3");
    }

    @Test
    void aListIsEmittedOnlyWhenItChanged() throws Exception {
        change("ann", -1, 5, T0);
        change("bob", -1, 4, T0);
        change("cid", -1, 3, T0);
        flush();
        lists();
        change("dan", -1, 1, T0 + 1);
        flush();
        assertThat(lists()).isEmpty();
        assertThat(histogram()).contains("1:1/3");
    }

    @Test
    void correctionsThatExhaustTheMarginMakeTheListIncomplete() throws Exception {
        for (String user : List.of("a", "b", "c", "d", "e")) {
            change(user, -1, 10 - (user.charAt(0) - 'a'), T0);
        }
        flush();
        assertThat(lists()).containsExactly("#1 a:10, #2 b:9, #3 c:8");
        change("a", 10, 0, T0);
        flush();
        assertThat(lists()).containsExactly("#1 b:9, #2 c:8, #3 d:7");
        change("b", 9, 0, T0);
        flush();
        // Capacity 4 held a..d; with a and b gone only c and d are known to be the best.
        assertThat(lists()).containsExactly("incomplete #1 c:8, #2 d:7");
        change("a", 0, 20, T0 + 5);
        flush();
        assertThat(lists()).containsExactly("#1 a:20, #2 c:8, #3 d:7");
    }

    @Test
    void aChangeWaitsUntilTheWatermarkPassesItsTimeAndTheListIsAsOfTheLatestApplied() throws Exception {
        changeAsOf(T0 + 100, "ann", -1, 1, T0);
        changeAsOf(T0 + 40, "bob", -1, 2, T0);
        harness.processWatermark(new Watermark(T0 + 50));
        // Only bob's change is due: the list as of T0 + 40 does not have ann yet.
        assertThat(harness.extractOutputValues())
                .extracting(TopPlayers::getAsOf, TournamentStandingsTest::describe)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0 + 40, "#1 bob:2"));
        assertThat(histogram()).containsExactly("2:1/0");
        harness.getOutput().clear();
        harness.processWatermark(new Watermark(T0 + 99));
        assertThat(lists()).isEmpty();
        harness.processWatermark(new Watermark(T0 + 100));
        assertThat(harness.extractOutputValues())
                .extracting(TopPlayers::getAsOf, TournamentStandingsTest::describe)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0 + 100, "#1 bob:2, #2 ann:1"));
    }

    @Test
    void aPlayersChangesOfOneTimeAreAppliedInTheOrderItMadeThem() throws Exception {
        harness.processElement(new StreamRecord<>(new ScoreChange(CHESS, "ann", 1, T0, 2, T0, T0 + 10, END, 2)));
        harness.processElement(new StreamRecord<>(new ScoreChange(CHESS, "ann", -1, 0, 1, T0, T0 + 10, END, 1)));
        harness.processWatermark(new Watermark(T0 + 10));
        assertThat(lists()).containsExactly("#1 ann:2");
        assertThat(histogram()).containsExactly("2:1/0", "1:0/1");
    }

    @Test
    void aListIsAsOfAfterTheLastEvenWhenAChangeIsAsOfBefore() throws Exception {
        changeAsOf(T0 + 100, "ann", -1, 1, T0);
        harness.processWatermark(new Watermark(T0 + 100));
        // Published out of order: the list cannot go back in time, so it is as of just after the last.
        changeAsOf(T0 + 50, "bob", -1, 2, T0);
        harness.processWatermark(new Watermark(T0 + 101));
        List<Long> asOf =
                harness.extractOutputValues().stream().map(TopPlayers::getAsOf).toList();
        assertThat(asOf).containsExactly(T0 + 100, T0 + 101);
    }

    @Test
    void aTournamentIsDroppedAnHourAfterItsMonthEnds() throws Exception {
        change("ann", -1, 1, T0);
        flush();
        harness.processWatermark(new Watermark(END + Duration.ofHours(1).toMillis()));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
