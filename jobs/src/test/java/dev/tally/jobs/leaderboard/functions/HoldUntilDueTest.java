package dev.tally.jobs.leaderboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The standings' changes wait beside the per-player stage until the watermark passes their time. */
class HoldUntilDueTest {

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final long END = Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    private OneInputStreamOperatorTestHarness<ScoreChange, ScoreChange> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private static OneInputStreamOperatorTestHarness<ScoreChange, ScoreChange> newHarness() throws Exception {
        return withCheckpoints(new OneInputStreamOperatorTestHarness<>(new HoldUntilDue(Duration.ofHours(1))));
    }

    /** A streaming job's: a job without checkpoints (BATCH, a replay) holds nothing. */
    private static OneInputStreamOperatorTestHarness<ScoreChange, ScoreChange> withCheckpoints(
            OneInputStreamOperatorTestHarness<ScoreChange, ScoreChange> harness) {
        harness.getEnvironment()
                .getJobConfiguration()
                .set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        return harness;
    }

    /** Takes a checkpoint, then goes on from it in a new operator, as a restore after a failure does. */
    private void restartFromACheckpoint() throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void change(String user, long score, long asOf) throws Exception {
        harness.processElement(
                new StreamRecord<>(new ScoreChange("chess#2026-12", user, -1, 0, score, T0, asOf, END, asOf * 1000)));
    }

    /** What went out since the last call, changes as user:score and watermarks as W:time, in order. */
    private List<String> passed() {
        return passed(harness);
    }

    private static List<String> passed(OneInputStreamOperatorTestHarness<ScoreChange, ScoreChange> harness) {
        List<String> out = new ArrayList<>();
        for (Object element : harness.getOutput()) {
            if (element instanceof StreamRecord<?> record) {
                ScoreChange change = (ScoreChange) record.getValue();
                assertThat(record.getTimestamp()).isEqualTo(change.asOf);
                out.add(change.userId + ":" + change.score);
            } else if (element instanceof Watermark mark) {
                out.add("W:" + (mark.getTimestamp() - T0));
            }
        }
        harness.getOutput().clear();
        return out;
    }

    @Test
    void aChangeGoesJustBeforeTheWatermarkThatPassesItsTime() throws Exception {
        change("bob", 2, T0 + 20);
        change("ann", 1, T0 + 10);
        change("cid", 3, T0 + 30);
        assertThat(passed()).isEmpty();

        harness.processWatermark(new Watermark(T0 + 20));
        assertThat(passed()).containsExactlyInAnyOrder("ann:1", "bob:2", "W:20").endsWith("W:20");
        harness.processWatermark(new Watermark(T0 + 29));
        assertThat(passed()).containsExactly("W:29");
        harness.processWatermark(new Watermark(T0 + 30));
        assertThat(passed()).containsExactly("cid:3", "W:30");
    }

    @Test
    void changesHeldAtDifferentWatermarksGoTogetherWhenBothAreDue() throws Exception {
        change("ann", 1, T0 + 30);
        harness.processWatermark(new Watermark(T0 + 5));
        change("bob", 2, T0 + 20);
        change("cid", 3, T0 + 40);
        harness.processWatermark(new Watermark(T0 + 10));
        assertThat(passed()).containsExactly("W:5", "W:10");

        harness.processWatermark(new Watermark(T0 + 30));
        assertThat(passed()).containsExactlyInAnyOrder("ann:1", "bob:2", "W:30").endsWith("W:30");
        harness.processWatermark(new Watermark(T0 + 40));
        assertThat(passed()).containsExactly("cid:3", "W:40");
    }

    @Test
    void aChangeAtOrBehindTheWatermarkGoesAtOnce() throws Exception {
        harness.processWatermark(new Watermark(T0 + 100));
        passed();
        change("ann", 1, T0 + 50);
        change("bob", 2, T0 + 100);
        change("cid", 3, T0 + 101);
        assertThat(passed()).containsExactly("ann:1", "bob:2");
    }

    @Test
    void withoutCheckpointsEveryChangeGoesAtOnce() throws Exception {
        try (var batch = new OneInputStreamOperatorTestHarness<>(new HoldUntilDue(Duration.ofHours(1)))) {
            batch.open();
            batch.processElement(
                    new StreamRecord<>(new ScoreChange("chess#2026-12", "ann", -1, 0, 1, T0, T0 + 10, END, 1)));
            assertThat(passed(batch)).containsExactly("ann:1");
        }
    }

    @Test
    void aChangePublishedAfterItsTournamentClosesGoesWithTheClose() throws Exception {
        change("ann", 1, END + 2 * HOUR);
        harness.processWatermark(new Watermark(END + HOUR - 1));
        assertThat(passed()).containsExactly("W:" + (END + HOUR - 1 - T0));
        harness.processWatermark(new Watermark(END + HOUR));
        assertThat(passed()).containsExactly("ann:1", "W:" + (END + HOUR - T0));
    }

    @Test
    void theChangesHeldAtACheckpointAreHeldAfterARestore() throws Exception {
        change("ann", 1, T0 + 10);
        change("bob", 2, T0 + 20);
        restartFromACheckpoint();

        harness.processWatermark(new Watermark(T0 + 10));
        assertThat(passed()).containsExactly("ann:1", "W:10");
        harness.processWatermark(Watermark.MAX_WATERMARK);
        assertThat(passed()).containsExactly("bob:2", "W:" + (Long.MAX_VALUE - T0));
    }

    @Test
    void aChangePassedOnBeforeACheckpointIsNotPassedOnAgainAfterItsRestore() throws Exception {
        change("ann", 1, T0 + 10);
        change("bob", 2, T0 + 20);
        harness.processWatermark(new Watermark(T0 + 10));
        passed();
        restartFromACheckpoint();

        harness.processWatermark(Watermark.MAX_WATERMARK);
        assertThat(passed()).containsExactly("bob:2", "W:" + (Long.MAX_VALUE - T0));
    }

    @Test
    void afterARescaleEachHeldChangeIsPassedOnByExactlyOneSubtask() throws Exception {
        change("ann", 1, T0 + 10);
        change("bob", 2, T0 + 20);
        change("cid", 3, T0 + 30);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);

        List<String> passedOn = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState share =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 128, 1, 2, subtask);
            try (var restored = withCheckpoints(
                    new OneInputStreamOperatorTestHarness<>(new HoldUntilDue(Duration.ofHours(1)), 128, 2, subtask))) {
                restored.initializeState(share);
                restored.open();
                restored.processWatermark(new Watermark(T0 + 30));
                passedOn.addAll(passed(restored));
            }
        }
        assertThat(passedOn)
                .filteredOn(out -> !out.startsWith("W:"))
                .containsExactlyInAnyOrder("ann:1", "bob:2", "cid:3");
    }
}
