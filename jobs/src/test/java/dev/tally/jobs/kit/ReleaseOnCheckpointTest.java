package dev.tally.jobs.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.jobs.leaderboard.LeaderboardTables;
import dev.tally.jobs.leaderboard.functions.PlayerPosition;
import dev.tally.schema.leaderboard.ScoreBucket;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Rows wait for their checkpoint to complete, the newest of each row only, and come again after a restore. */
class ReleaseOnCheckpointTest {

    @Test
    void rowsWaitForTheirCheckpointNewestPerRowOnly() throws Exception {
        try (var harness = open(true, null)) {
            harness.processElement(new StreamRecord<>(bucket(202, 1)));
            harness.processElement(new StreamRecord<>(bucket(210, 1)));
            // The player passed through 202: its row's newest value replaces the held one.
            harness.processElement(new StreamRecord<>(bucket(202, 0)));
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.snapshot(1, 1);
            harness.processElement(new StreamRecord<>(bucket(215, 1)));
            harness.snapshot(2, 2);
            assertThat(harness.extractOutputValues())
                    .as("no checkpoint completed yet")
                    .isEmpty();

            harness.notifyOfCompletedCheckpoint(1);
            assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(bucket(210, 1), bucket(202, 0));
            harness.notifyOfCompletedCheckpoint(2);
            assertThat(harness.extractOutputValues()).hasSize(3).last().isEqualTo(bucket(215, 1));
        }
    }

    @Test
    void aRestoredCheckpointsRowsComeAgainAndLaterOnesNever() throws Exception {
        OperatorSubtaskState checkpoint;
        try (var failing = open(true, null)) {
            failing.processElement(new StreamRecord<>(bucket(202, 1)));
            checkpoint = failing.snapshot(1, 1);
            // Written by the failed attempt after its checkpoint: not passed on, as it never completed.
            failing.processElement(new StreamRecord<>(bucket(202, 0)));
            failing.snapshot(2, 2);
        }
        try (var restored = open(true, checkpoint)) {
            assertThat(restored.extractOutputValues())
                    .as("checkpoint 1 completed: its rows, maybe not yet written")
                    .containsExactly(bucket(202, 1));
        }
    }

    @Test
    void theEndOfBoundedInputReleasesEverything() throws Exception {
        try (var harness = open(true, null)) {
            harness.processElement(new StreamRecord<>(bucket(1, 1)));
            harness.snapshot(1, 1);
            harness.processElement(new StreamRecord<>(bucket(2, 1)));
            harness.endInput();
            assertThat(harness.extractOutputValues()).containsExactly(bucket(1, 1), bucket(2, 1));
        }
    }

    @Test
    void withoutCheckpointsRowsPassAtOnce() throws Exception {
        try (var harness = open(false, null)) {
            harness.processElement(new StreamRecord<>(bucket(1, 1)));
            assertThat(harness.extractOutputValues()).containsExactly(bucket(1, 1));
        }
    }

    private static OneInputStreamOperatorTestHarness<ScoreBucket, ScoreBucket> open(
            boolean checkpointing, OperatorSubtaskState from) throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(
                new ReleaseOnCheckpoint<>(LeaderboardTables.SCORE_HISTOGRAM, new AvroTypeInfo<>(ScoreBucket.class)));
        if (checkpointing) {
            harness.getEnvironment()
                    .getJobConfiguration()
                    .set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        }
        if (from != null) {
            harness.initializeState(from);
        }
        harness.open();
        return harness;
    }

    @Test
    void aRowCreatedAndRemovedBetweenTwoCheckpointsIsNeverWritten() throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(
                new ReleaseOnCheckpoint<>(LeaderboardTables.SCORE_ORDER, TypeInformation.of(PlayerPosition.class)));
        harness.getEnvironment()
                .getJobConfiguration()
                .set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        harness.open();
        try (harness) {
            harness.processElement(new StreamRecord<>(place(1, true, 1)));
            harness.snapshot(1, 1);
            // ann goes 1 -> 2 -> 3 before the next checkpoint: its place at 2 was never written.
            harness.processElement(new StreamRecord<>(place(1, false, 2)));
            harness.processElement(new StreamRecord<>(place(2, true, 2)));
            harness.processElement(new StreamRecord<>(place(2, false, 3)));
            harness.processElement(new StreamRecord<>(place(3, true, 3)));
            // ... and 3 -> 1 -> 3: its place at 1 removed again, its place at 3 still there.
            harness.processElement(new StreamRecord<>(place(3, false, 4)));
            harness.processElement(new StreamRecord<>(place(1, true, 4)));
            harness.processElement(new StreamRecord<>(place(1, false, 5)));
            harness.processElement(new StreamRecord<>(place(3, true, 5)));
            harness.snapshot(2, 2);
            harness.notifyOfCompletedCheckpoint(1);
            harness.notifyOfCompletedCheckpoint(2);
            assertThat(harness.extractOutputValues())
                    .containsExactly(place(1, true, 1), place(1, false, 5), place(3, true, 5));
        }
    }

    private static PlayerPosition place(long score, boolean present, long micros) {
        return new PlayerPosition("go#2026-12", score, score * 1000, "ann", present, micros);
    }

    private static ScoreBucket bucket(long score, long players) {
        return new ScoreBucket("go#2026-12", score, players, 0L);
    }
}
