package dev.tally.jobs.leaderboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.jobs.kit.NeverIdle;
import dev.tally.schema.leaderboard.MatchResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-player stage: each match's highest revision once, coalesced emission, the horizon, the month's end. */
class ApplyResultsTest {

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, MatchResult, ScoreChange> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MatchResult, ScoreChange> newHarness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new NeverIdle.KeyedProcess<>(new ApplyResults(Duration.ofHours(1))), new PlayerKey(), Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(String match, String user, int points, long ts, int revision) throws Exception {
        harness.processElement(
                new StreamRecord<>(new MatchResult(match, "chess", user, points, ts, revision, null), ts));
    }

    private List<String> emitted() {
        List<String> changes = harness.extractOutputValues().stream()
                .map(ScoreChange::toString)
                .toList();
        harness.getOutput().clear();
        return changes;
    }

    private static String change(String user, long previous, long score, long reachedAt) {
        return "chess#2026-12/" + user + ": " + previous + " -> " + score + " @" + reachedAt;
    }

    @Test
    void itsOutputIsNeverMarkedIdle() throws Exception {
        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        harness.processWatermarkStatus(WatermarkStatus.ACTIVE);
        harness.processWatermark(T0);

        // NeverIdle says why: the standings must not clear a tournament on one subtask's watermark.
        assertThat(harness.getOutput()).containsExactly(WatermarkStatus.ACTIVE, new Watermark(T0));
    }

    @Test
    void changesUntilTheWatermarkAdvancesGoOutAsOne() throws Exception {
        send("m1", "ann", 1, T0, 0);
        send("m2", "ann", 1, T0 + 1_000, 0);
        send("m3", "ann", 0, T0 + 2_000, 0);
        send("m3", "bob", 1, T0 + 2_000, 0);
        assertThat(emitted()).isEmpty();
        harness.processWatermark(new Watermark(T0));
        assertThat(emitted())
                .containsExactlyInAnyOrder(change("ann", -1, 2, T0 + 1_000), change("bob", -1, 1, T0 + 2_000));
        send("m4", "ann", 1, T0 + 3_000, 0);
        harness.processWatermark(new Watermark(T0 + 1_000));
        assertThat(emitted()).containsExactly(change("ann", 2, 3, T0 + 3_000));
    }

    @Test
    void everyChangeGoesToTheStandingsAtOnceAsOfItsPublicationAndInTheOrderMade() throws Exception {
        harness.processElement(new StreamRecord<>(new MatchResult("m1", "chess", "ann", 1, T0, 0, T0 + 5), T0 + 5));
        harness.processElement(new StreamRecord<>(new MatchResult("m1", "chess", "ann", 1, T0, 0, T0 + 6), T0 + 6));
        harness.processElement(
                new StreamRecord<>(new MatchResult("m2", "chess", "ann", 1, T0 + 1_000, 0, T0 + 1_000), T0 + 1_000));
        // A correction published before the last result but read after it: never as of before it.
        harness.processElement(new StreamRecord<>(new MatchResult("m1", "chess", "ann", 0, T0, 1, T0 + 500), T0 + 500));
        assertThat(emitted()).isEmpty();

        List<ScoreChange> standings = harness.getSideOutput(ApplyResults.STANDINGS).stream()
                .map(StreamRecord::getValue)
                .toList();
        assertThat(standings)
                .extracting(ScoreChange::toString)
                .containsExactly(
                        change("ann", -1, 1, T0), change("ann", 1, 2, T0 + 1_000), change("ann", 2, 1, T0 + 1_000));
        assertThat(standings).extracting(c -> c.asOf).containsExactly(T0 + 5, T0 + 1_000, T0 + 1_000);
        assertThat(standings.get(2).writeMicros).isGreaterThan(standings.get(1).writeMicros);

        harness.processWatermark(new Watermark(T0 + 1_000));
        // The player's own rows still take one coalesced change.
        assertThat(emitted()).containsExactly(change("ann", -1, 1, T0 + 1_000));
    }

    @Test
    void aDuplicateOrAStaleRevisionChangesNothing() throws Exception {
        send("m1", "ann", 1, T0, 0);
        send("m1", "ann", 1, T0, 0);
        send("m1", "ann", 5, T0, 2);
        send("m1", "ann", 9, T0, 1);
        send("m1", "ann", 4, T0, 2);
        harness.processWatermark(new Watermark(T0));
        assertThat(emitted()).containsExactly(change("ann", -1, 5, T0));
    }

    @Test
    void ofTwoRecordsOfTheSameRevisionTheOneWithMorePointsCountsWhateverTheOrder() throws Exception {
        send("m1", "ann", 1, T0, 1);
        send("m1", "ann", 3, T0, 1);
        send("m2", "bob", 3, T0, 1);
        send("m2", "bob", 1, T0, 1);
        harness.processWatermark(new Watermark(T0));
        assertThat(emitted()).containsExactlyInAnyOrder(change("ann", -1, 3, T0), change("bob", -1, 3, T0));
    }

    @Test
    void aCorrectionToNoPointsTakesReachedAtBackToTheLatestScoringResult() throws Exception {
        send("m1", "ann", 1, T0, 0);
        send("m2", "ann", 1, T0 + 10_000, 0);
        send("m3", "ann", 0, T0 + 20_000, 0);
        harness.processWatermark(new Watermark(T0 + 30_000));
        assertThat(emitted()).containsExactly(change("ann", -1, 2, T0 + 10_000));
        // Behind the watermark but within the horizon: applied as a correction.
        send("m2", "ann", 0, T0 + 10_000, 1);
        harness.processWatermark(new Watermark(T0 + 31_000));
        assertThat(emitted()).containsExactly(change("ann", 2, 1, T0));
        send("m1", "ann", 0, T0, 1);
        harness.processWatermark(new Watermark(T0 + 32_000));
        // No scoring result left: reached_at is the player's first result.
        assertThat(emitted()).containsExactly(change("ann", 1, 0, T0));
    }

    @Test
    void aForgottenMatchStillCountsForReachedAt() throws Exception {
        send("m1", "ann", 1, T0, 0);
        send("m2", "ann", 1, T0 + HOUR, 0);
        harness.processWatermark(new Watermark(T0 + HOUR + 10 * 60_000));
        emitted();
        // m1 is forgotten now; correcting m2 to 0 must find m1's time in what was kept of it.
        send("m2", "ann", 0, T0 + HOUR, 1);
        harness.processWatermark(new Watermark(T0 + HOUR + 11 * 60_000));
        assertThat(emitted()).containsExactly(change("ann", 2, 1, T0));
    }

    @Test
    void aResultBeyondTheHorizonIsLateAndNotApplied() throws Exception {
        send("m1", "ann", 1, T0, 0);
        harness.processWatermark(new Watermark(T0 + HOUR));
        emitted();
        send("m1", "ann", 1, T0, 0);
        send("m0", "ann", 1, T0 - 1, 0);
        send("m2", "ann", 1, T0 + 1, 0);
        harness.processWatermark(new Watermark(T0 + HOUR + 1));
        assertThat(harness.getSideOutput(ApplyResults.LATE))
                .extracting(r -> r.getValue().getMatchId())
                .containsExactly("m1", "m0");
        assertThat(emitted()).containsExactly(change("ann", 1, 2, T0 + 1));
    }

    @Test
    void aTournamentsStateIsDroppedAnHourAfterItsMonthEnds() throws Exception {
        send("m1", "ann", 1, Instant.parse("2026-12-31T23:59:59.999Z").toEpochMilli(), 0);
        harness.processWatermark(
                new Watermark(Instant.parse("2027-01-01T00:30:00Z").toEpochMilli()));
        assertThat(emitted()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.processWatermark(
                new Watermark(Instant.parse("2027-01-01T01:00:00Z").toEpochMilli()));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void matchesAreForgottenMinuteByMinuteEachWhenItsHorizonHasPassed() throws Exception {
        send("m0", "ann", 1, T0, 0);
        send("m1", "ann", 1, T0 + 60_000, 0);
        send("m2", "ann", 1, T0 + 120_000, 0);
        harness.processWatermark(new Watermark(T0 + HOUR + 60_000));
        emitted();
        // m0 and m1 are forgotten, m2 is not: its duplicate changes nothing and is not late.
        send("m2", "ann", 1, T0 + 120_000, 0);
        harness.processWatermark(new Watermark(T0 + HOUR + 60_001));
        assertThat(emitted()).isEmpty();
        assertThat(harness.getSideOutput(ApplyResults.LATE)).isNull();
        harness.processWatermark(new Watermark(T0 + HOUR + 120_000));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1); // the month's close
        send("m2", "ann", 1, T0 + 120_000, 0);
        assertThat(harness.getSideOutput(ApplyResults.LATE)).hasSize(1);
    }

    @Test
    void aBusyPlayersMatchesBeyondTheInlineOnesAreRecognisedForgottenAndDroppedAlike() throws Exception {
        int busy = PlayerTotals.INLINE_MATCHES + 4;
        for (int i = 0; i < busy; i++) {
            send("m" + i, "ann", 1, T0 + i * 1_000L, 0);
        }
        harness.processWatermark(new Watermark(T0 + busy * 1_000L));
        assertThat(emitted()).containsExactly(change("ann", -1, busy, T0 + (busy - 1) * 1_000L));
        // A duplicate and a correction of an inline match and of one in the map.
        send("m0", "ann", 1, T0, 0);
        send("m" + (busy - 1), "ann", 1, T0 + (busy - 1) * 1_000L, 0);
        send("m1", "ann", 0, T0 + 1_000, 1);
        send("m" + (busy - 1), "ann", 0, T0 + (busy - 1) * 1_000L, 1);
        harness.processWatermark(new Watermark(T0 + busy * 1_000L + 1));
        assertThat(emitted()).containsExactly(change("ann", busy, busy - 2, T0 + (busy - 2) * 1_000L));

        // All forgotten an hour on: new matches fill the inline room again, and a re-send of an old one is late.
        harness.processWatermark(new Watermark(T0 + HOUR + 2 * 60_000));
        send("n0", "ann", 1, T0 + HOUR + 3 * 60_000, 0);
        send("m" + (busy - 2), "ann", 1, T0 + (busy - 2) * 1_000L, 0);
        harness.processWatermark(new Watermark(T0 + HOUR + 3 * 60_000));
        assertThat(harness.getSideOutput(ApplyResults.LATE)).hasSize(1);
        assertThat(emitted()).containsExactly(change("ann", busy - 2, busy - 1, T0 + HOUR + 3 * 60_000));

        harness.processWatermark(
                new Watermark(Instant.parse("2027-01-01T01:00:00Z").toEpochMilli()));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aRestoredPlayerRecognisesItsMatchesAndEmitsFromWhereItWas() throws Exception {
        send("m1", "ann", 1, T0, 0);
        harness.processWatermark(new Watermark(T0));
        emitted();
        send("m2", "ann", 1, T0 + 1_000, 0);
        OperatorSubtaskState snapshot = harness.snapshot(1, T0);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        send("m1", "ann", 1, T0, 0);
        harness.processWatermark(new Watermark(T0 + 1_000));
        assertThat(emitted()).containsExactly(change("ann", 1, 2, T0 + 1_000));
    }

    @Test
    void aResultBeyondTheHorizonIsStillLateRightAfterARestore() throws Exception {
        send("m1", "ann", 1, T0, 0);
        harness.processWatermark(new Watermark(T0 + 2 * HOUR));
        emitted();
        OperatorSubtaskState snapshot = harness.snapshot(1, T0 + 2 * HOUR);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        // No watermark has reached the restored operator yet: m1 was forgotten, so applying it would count it twice.
        send("m1", "ann", 1, T0, 0);
        assertThat(harness.getSideOutput(ApplyResults.LATE)).hasSize(1);
        harness.processWatermark(new Watermark(T0 + 2 * HOUR + 1));
        assertThat(emitted()).isEmpty();
    }

    @Test
    void eachEmissionNamesThePlaceItLeftAndIsWrittenAfterThePlayersLastOneAcrossARestore() throws Exception {
        send("m1", "ann", 1, T0, 0);
        harness.processWatermark(new Watermark(T0 + 5_000));
        ScoreChange first = harness.extractOutputValues().get(0);
        harness.getOutput().clear();
        send("m2", "ann", 2, T0 + 6_000, 0);
        harness.processWatermark(new Watermark(T0 + 7_000));
        ScoreChange second = harness.extractOutputValues().get(0);
        assertThat(second.previousScore).isEqualTo(1);
        assertThat(second.previousReachedAt).isEqualTo(T0);
        assertThat(second.writeMicros).isGreaterThan(first.writeMicros);
        OperatorSubtaskState snapshot = harness.snapshot(1, T0 + 7_000);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        // Restored, the operator has no watermark yet: the flush timer is due at the first one there is.
        send("m1", "ann", 0, T0, 1);
        harness.processWatermark(new Watermark(T0 + 1));
        ScoreChange third = harness.extractOutputValues().get(0);
        assertThat(third.previousScore).isEqualTo(3);
        assertThat(third.previousReachedAt).isEqualTo(T0 + 6_000);
        assertThat(third.score).isEqualTo(2);
        assertThat(third.writeMicros).isGreaterThan(second.writeMicros);
    }
}
