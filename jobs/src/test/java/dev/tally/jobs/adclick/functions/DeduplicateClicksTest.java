package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.jobs.kit.CapturedMetrics;
import dev.tally.jobs.kit.HarnessState;
import dev.tally.jobs.kit.state.TimeBucketSlots;
import dev.tally.schema.adclick.AdClickEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dedup by click_id over an event-time horizon, and the LATE side output. The tests that forget ids
 * run on both state backends: RocksDB lists a minute's ids while deleting them, the heap backend
 * copies the list first.
 */
class DeduplicateClicksTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = Minutes.MILLIS;
    private static final Duration HORIZON = Duration.ofMinutes(10);

    private KeyedOneInputStreamOperatorTestHarness<String, AdClickEvent, AdClickEvent> harness;
    private MockEnvironment environment;
    private CapturedMetrics metrics;
    private String backend = "hashmap";

    @TempDir
    Path tmp;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
            harness = null;
        }
        if (environment != null) {
            environment.close();
            environment = null;
        }
    }

    @Test
    void firstCopyPassesAndDuplicatesAreDroppedAndCounted() throws Exception {
        open(HORIZON, Duration.ZERO);
        AdClickEvent c1 = click("c1", "ad1", T0 + 1_000);
        AdClickEvent c2 = click("c2", "ad1", T0 + 2_000);
        process(c1);
        process(c2);
        process(click("c1", "ad1", T0 + 1_000));
        // same id, other fields differ: still the same click
        process(click("c1", "ad9", T0 + 3_000));

        assertThat(harness.extractOutputValues()).containsExactlyInAnyOrder(c1, c2);
        assertThat(lateOutput()).isEmpty();
        assertThat(metrics.count("records-duplicate")).isEqualTo(2);
        assertThat(metrics.count("records-late")).isZero();
        // one flag per distinct click_id, and no timer at all
        assertStored(harness, 2);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void itsOutputIsNeverMarkedIdle() throws Exception {
        open(HORIZON, Duration.ZERO);
        harness.processWatermarkStatus(WatermarkStatus.IDLE);
        harness.processWatermarkStatus(WatermarkStatus.ACTIVE);
        harness.processWatermark(T0);

        // NeverIdle says why: the windows after it must not take one subtask's watermark alone.
        assertThat(harness.getOutput()).containsExactly(WatermarkStatus.ACTIVE, new Watermark(T0));
    }

    @Test
    void clickOfAClosedMinuteGoesToLateOutputUntouched() throws Exception {
        open(HORIZON, Duration.ZERO);
        harness.processWatermark(T0 + MIN - 1); // the window of minute T0 has fired
        AdClickEvent late = click("c1", "ad1", T0 + 59_999);
        AdClickEvent onTime = click("c2", "ad1", T0 + MIN);
        process(late);
        process(onTime);

        assertThat(harness.extractOutputValues()).containsExactly(onTime);
        assertThat(lateOutput()).containsExactly(late);
        assertThat(metrics.count("records-late")).isEqualTo(1);
        assertThat(metrics.count("records-duplicate")).isZero();
        // the late click left no state behind
        assertStored(harness, 1);
    }

    @Test
    void lateClicksAreNotDeduplicated() throws Exception {
        open(HORIZON, Duration.ZERO);
        harness.processWatermark(T0 + 5 * MIN);
        AdClickEvent late = click("c1", "ad1", T0 + 1_000);
        process(late);
        process(late);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(lateOutput()).containsExactly(late, late);
        assertThat(metrics.count("records-late")).isEqualTo(2);
        assertThat(metrics.count("records-duplicate")).isZero();
        assertStored(harness, 0);
    }

    @Test
    void allowedLatenessMovesTheLateBoundary() throws Exception {
        open(HORIZON, Duration.ofSeconds(30));
        // late iff minute end - 1 + 30 s <= watermark
        harness.processWatermark(T0 + MIN - 1 + 30_000 - 1);
        AdClickEvent stillOnTime = click("c1", "ad1", T0 + 10_000);
        process(stillOnTime);
        harness.processWatermark(T0 + MIN - 1 + 30_000);
        AdClickEvent late = click("c2", "ad1", T0 + 10_000);
        process(late);

        assertThat(harness.extractOutputValues()).containsExactly(stillOnTime);
        assertThat(lateOutput()).containsExactly(late);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aCopyWithAnotherClickTimeIsStillADuplicate(String stateBackend) throws Exception {
        backend = stateBackend;
        open(HORIZON, Duration.ZERO);
        AdClickEvent c1 = click("c1", "ad1", T0 + 1_000);
        process(c1);
        // the same click_id, stamped in the next minute and in the one before
        process(click("c1", "ad1", T0 + MIN + 1_000));
        process(click("c1", "ad1", T0 - MIN));

        assertThat(harness.extractOutputValues()).containsExactly(c1);
        assertThat(metrics.count("records-duplicate")).isEqualTo(2);
        assertStored(harness, 1);

        harness.processWatermark(Minutes.maxTimestamp(T0) + HORIZON.toMillis());
        assertStored(harness, 0);
    }

    @Test
    void aLateCopyOfACountedClickIsADuplicateNotLate() throws Exception {
        open(HORIZON, Duration.ZERO);
        AdClickEvent c1 = click("c1", "ad1", T0 + 1_000);
        process(c1);
        harness.processWatermark(T0 + 3 * MIN); // minute T0 closed, horizon not reached
        process(click("c1", "ad1", T0 + 1_000));

        assertThat(harness.extractOutputValues()).containsExactly(c1);
        assertThat(lateOutput()).isEmpty();
        assertThat(metrics.count("records-duplicate")).isEqualTo(1);
        assertThat(metrics.count("records-late")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void idsAreForgottenWhenTheWatermarkPassesTheirMinutePlusHorizon(String stateBackend) throws Exception {
        backend = stateBackend;
        open(HORIZON, Duration.ZERO);
        long ts1 = T0 + 1_000;
        long ts2 = T0 + MIN + 5_000;
        process(click("c1", "ad1", ts1));
        process(click("c2", "ad2", ts2));
        assertStored(harness, 2);

        long forgetMinute1 = Minutes.maxTimestamp(T0) + HORIZON.toMillis();
        harness.processWatermark(forgetMinute1 - 1);
        assertStored(harness, 2);

        harness.processWatermark(forgetMinute1);
        assertStored(harness, 1);

        harness.processWatermark(Minutes.maxTimestamp(T0 + MIN) + HORIZON.toMillis());
        assertStored(harness, 0);

        // A copy arriving after its id was forgotten is late, so it is still never counted twice.
        AdClickEvent copy = click("c1", "ad1", ts1);
        process(copy);
        assertThat(harness.extractOutputValues())
                .extracting(AdClickEvent::getClickId)
                .containsExactlyInAnyOrder("c1", "c2");
        assertThat(lateOutput()).containsExactly(copy);
        assertStored(harness, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theSmallestHorizonLeavesNoGapForDuplicates(String stateBackend) throws Exception {
        backend = stateBackend;
        Duration lateness = Duration.ofSeconds(30);
        open(lateness.plusMinutes(1), lateness);
        long ts = T0 + 59_999;
        process(click("c1", "ad1", ts));
        long forgetAt = Minutes.maxTimestamp(T0) + lateness.plusMinutes(1).toMillis();

        harness.processWatermark(forgetAt - 1);
        process(click("c1", "ad1", ts));
        assertThat(metrics.count("records-duplicate")).isEqualTo(1);
        assertStored(harness, 1);

        harness.processWatermark(forgetAt);
        assertStored(harness, 0);
        process(click("c1", "ad1", ts));
        assertThat(metrics.count("records-late")).isEqualTo(1);
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void minutesSharingASlotAreForgottenSeparately(String stateBackend) throws Exception {
        backend = stateBackend;
        Duration horizon = Duration.ofMinutes(30);
        open(horizon, Duration.ZERO);
        long sameSlot = T0 + TimeBucketSlots.SLOTS * MIN;
        for (int i = 0; i < 50; i++) {
            process(click("early-" + i, "ad1", T0 + i));
            process(click("later-" + i, "ad1", sameSlot + i));
        }
        harness.processWatermark(Minutes.maxTimestamp(T0) + horizon.toMillis());
        assertStored(harness, 50);

        // The later minute's ids are all still known.
        for (int i = 0; i < 50; i++) {
            process(click("later-" + i, "ad1", sameSlot + i));
        }
        assertThat(metrics.count("records-duplicate")).isEqualTo(50);
        assertThat(harness.extractOutputValues()).hasSize(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void idsAndTheirMinutesSurviveARestart(String stateBackend) throws Exception {
        backend = stateBackend;
        open(HORIZON, Duration.ZERO);
        process(click("c1", "ad1", T0 + 1_000));
        process(click("c2", "ad1", T0 + MIN + 1_000));
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        close();

        openFrom(snapshot, HORIZON);
        process(click("c1", "ad1", T0 + 1_000));
        process(click("c2", "ad1", T0 + MIN + 1_000));
        assertThat(metrics.count("records-duplicate")).isEqualTo(2);
        assertThat(harness.extractOutputValues()).isEmpty();

        // The restored operator still knows which minutes to forget.
        harness.processWatermark(Minutes.maxTimestamp(T0 + MIN) + HORIZON.toMillis());
        assertStored(harness, 0);
    }

    /**
     * The count window restores the watermark it had emitted through; dedup must call late what the
     * window will drop from the first record after a restart, before any new watermark arrives.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aClickLateAtTheCheckpointIsLateRightAfterARestart(String stateBackend) throws Exception {
        backend = stateBackend;
        open(HORIZON, Duration.ZERO);
        harness.processWatermark(T0 + MIN - 1);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        close();

        openFrom(snapshot, HORIZON);
        AdClickEvent late = click("c1", "ad1", T0 + 1_000);
        AdClickEvent onTime = click("c2", "ad1", T0 + MIN);
        process(late);
        process(onTime);
        assertThat(lateOutput()).containsExactly(late);
        assertThat(harness.extractOutputValues()).containsExactly(onTime);
        assertThat(metrics.count("records-late")).isEqualTo(1);
    }

    /**
     * With unaligned checkpoints the subtasks' watermarks at a checkpoint differ. A count window
     * subtask that was as far as the one ahead has dropped the minute, so a click of that minute let
     * through after the restore would start its count again from nothing and replace the full count.
     * Whether the job restarts at the same parallelism or rescaled, the click must be late.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aClickLateForAnySubtaskAtTheCheckpointIsLateAfterARestore(int parallelism) throws Exception {
        OperatorSubtaskState[] snapshots = new OperatorSubtaskState[2];
        for (int subtask = 0; subtask < 2; subtask++) {
            try (var part = subtaskHarness(2, subtask)) {
                part.open();
                part.processWatermark(subtask == 0 ? T0 + MIN - 1 : T0 + 10_000); // minute 0 closed at subtask 0
                snapshots[subtask] = part.snapshot(1L, T0);
            }
        }
        OperatorSubtaskState checkpoint = AbstractStreamOperatorTestHarness.repackageState(snapshots);

        for (int subtask = 0; subtask < parallelism; subtask++) {
            AdClickEvent late = click(clickIdOf(parallelism, subtask), "ad1", T0 + 20_000);
            try (var part = subtaskHarness(parallelism, subtask)) {
                part.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        checkpoint, 128, 2, parallelism, subtask));
                part.open();
                part.processElement(late, late.getClickTs());
                assertThat(part.extractOutputValues()).isEmpty();
                assertThat(part.getSideOutput(DeduplicateClicks.LATE))
                        .extracting(StreamRecord::getValue)
                        .containsExactly(late);
            }
        }
    }

    @Test
    void afterRescalingEverySubtaskForgetsTheIdsItReceived() throws Exception {
        open(HORIZON, Duration.ZERO);
        for (int i = 0; i < 100; i++) {
            process(click("c" + i, "ad1", T0 + i));
        }
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        close();

        long restoredEntries = 0;
        for (int subtask = 0; subtask < 2; subtask++) {
            try (var part = subtaskHarness(2, subtask)) {
                part.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 128, 1, 2, subtask));
                part.open();
                long entries = storedIds(part);
                assertThat(entries).isPositive();
                restoredEntries += entries;
                part.processWatermark(Minutes.maxTimestamp(T0) + HORIZON.toMillis());
                assertStored(part, 0);
            }
        }
        assertThat(restoredEntries).isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void idsSharingAFingerprintAreToldApartAndForgottenOneByOne(String stateBackend) throws Exception {
        backend = stateBackend;
        // String.hashCode, the fingerprint: "Aa" and "BB" hash alike, and so does "C#".
        assertThat("AaX".hashCode()).isEqualTo("BBX".hashCode()).isEqualTo("C#X".hashCode());
        open(HORIZON, Duration.ZERO);
        process(click("AaX", "ad1", T0 + 1_000));
        process(click("BBX", "ad1", T0 + MIN + 1_000));
        process(click("C#X", "ad1", T0 + MIN + 2_000));
        assertThat(harness.extractOutputValues())
                .extracting(AdClickEvent::getClickId)
                .containsExactly("AaX", "BBX", "C#X");

        // Forgetting AaX's minute leaves the fingerprint of the two ids still remembered.
        harness.processWatermark(Minutes.maxTimestamp(T0) + HORIZON.toMillis());
        assertStored(harness, 2);
        process(click("BBX", "ad1", T0 + MIN + 1_000));
        process(click("C#X", "ad1", T0 + MIN + 2_000));
        assertThat(metrics.count("records-duplicate")).isEqualTo(2);
        assertThat(harness.extractOutputValues()).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void idsOfTheVersionBeforeTheFingerprintsAreRestoredAndTheirIndexByIdCleared(String stateBackend) throws Exception {
        backend = stateBackend;
        startHarness(new EarlierVersionState());
        harness.open();
        process(click("c1", "ad1", T0 + 1_000));
        process(click("c2", "ad1", T0 + MIN + 1_000));
        assertThat(entries(harness, "click-id-seen")).isEqualTo(2);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        close();

        openFrom(snapshot, HORIZON);
        assertStored(harness, 2);
        process(click("c1", "ad1", T0 + 1_000));
        process(click("c2", "ad1", T0 + MIN + 1_000));
        process(click("c3", "ad1", T0 + MIN + 1_000));
        assertThat(metrics.count("records-duplicate")).isEqualTo(2);
        assertThat(harness.extractOutputValues())
                .extracting(AdClickEvent::getClickId)
                .containsExactly("c3");

        harness.processWatermark(Minutes.maxTimestamp(T0 + MIN) + HORIZON.toMillis());
        assertStored(harness, 0);
    }

    @Test
    void outputKeepsTheEventTimestamp() throws Exception {
        open(HORIZON, Duration.ZERO);
        process(click("c1", "ad1", T0 + 1_234));
        assertThat(harness.extractOutputStreamRecords())
                .extracting(StreamRecord::getTimestamp)
                .containsExactly(T0 + 1_234);
    }

    @Test
    void constructorRejectsAHorizonShorterThanLatenessPlusOneMinute() {
        assertThatThrownBy(() -> new DeduplicateClicks(Duration.ofSeconds(89), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dedup horizon PT1M29S must be at least allowed lateness + 1 minute (PT1M30S)");
        assertThatThrownBy(() -> new DeduplicateClicks(Duration.ofSeconds(59), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dedup horizon PT59S must be at least allowed lateness + 1 minute (PT1M)");
        assertThatThrownBy(() -> new DeduplicateClicks(HORIZON, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed lateness must not be negative, got PT-1S");
        assertThatThrownBy(() -> new DeduplicateClicks(null, Duration.ZERO)).isInstanceOf(NullPointerException.class);
        // the boundary itself is accepted
        new DeduplicateClicks(Duration.ofSeconds(90), Duration.ofSeconds(30));
        new DeduplicateClicks(Duration.ofMinutes(1), Duration.ZERO);
    }

    // ---- helpers ----

    private void open(Duration horizon, Duration allowedLateness) throws Exception {
        startHarness(new DeduplicateClicks(horizon, allowedLateness));
        harness.open();
    }

    /** A new operator from {@code snapshot}, as a restart does. */
    private void openFrom(OperatorSubtaskState snapshot, Duration horizon) throws Exception {
        startHarness(new DeduplicateClicks(horizon, Duration.ZERO));
        harness.initializeState(snapshot);
        harness.open();
    }

    private void startHarness(OneInputStreamOperator<AdClickEvent, AdClickEvent> operator) throws Exception {
        metrics = new CapturedMetrics();
        environment = HarnessState.environment(metrics, tmp);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                operator, AdClickEvent::getClickId, Types.STRING, environment);
        HarnessState.use(harness, backend, tmp);
    }

    /** Subtask {@code subtask} of {@code parallelism}, with 128 key groups and the heap backend. */
    private static KeyedOneInputStreamOperatorTestHarness<String, AdClickEvent, AdClickEvent> subtaskHarness(
            int parallelism, int subtask) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new DeduplicateClicks(HORIZON, Duration.ZERO),
                AdClickEvent::getClickId,
                Types.STRING,
                128,
                parallelism,
                subtask);
    }

    /** A click id that subtask {@code subtask} of {@code parallelism} owns. */
    private static String clickIdOf(int parallelism, int subtask) {
        for (int i = 0; ; i++) {
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator("c" + i, 128, parallelism) == subtask) {
                return "c" + i;
            }
        }
    }

    /**
     * Asserts that {@code ids} click ids are remembered, each listed under its minute for forgetting
     * and none under the id alone (where versions before the fingerprints also kept them).
     */
    private static void assertStored(
            KeyedOneInputStreamOperatorTestHarness<String, AdClickEvent, AdClickEvent> h, long ids) throws Exception {
        assertThat(storedIds(h)).isEqualTo(ids);
        assertThat(entries(h, "click-id-seen")).isZero();
    }

    /** Click ids listed under their minutes. */
    private static long storedIds(KeyedOneInputStreamOperatorTestHarness<String, AdClickEvent, AdClickEvent> h) {
        long listed = 0;
        for (int i = 0; i < TimeBucketSlots.SLOTS; i++) {
            listed += entries(h, DeduplicateClicks.slotStateName(i));
        }
        return listed;
    }

    private static long entries(
            KeyedOneInputStreamOperatorTestHarness<String, AdClickEvent, AdClickEvent> h, String state) {
        KeyedStateBackend<String> backend = ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        try (Stream<Tuple2<String, Object>> entries = backend.getKeysAndNamespaces(state)) {
            return entries.count();
        }
    }

    private void process(AdClickEvent click) throws Exception {
        harness.processElement(click, click.getClickTs());
    }

    /** The LATE side output so far (the harness has no queue for a tag nothing was sent to). */
    private List<AdClickEvent> lateOutput() {
        var late = harness.getSideOutput(DeduplicateClicks.LATE);
        if (late == null) {
            return List.of();
        }
        return late.stream().map(StreamRecord::getValue).toList();
    }

    /**
     * The state as the version before the fingerprints wrote it (0c65fb7 and earlier): each id under
     * its minute and under the id alone, with the same state names.
     */
    private static final class EarlierVersionState extends AbstractStreamOperator<AdClickEvent>
            implements OneInputStreamOperator<AdClickEvent, AdClickEvent> {

        private transient TimeBucketSlots<String, Boolean> minuteIds;
        private transient ValueState<Boolean> seen;

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            minuteIds = new TimeBucketSlots<>("click-ids-", "click-id-minutes", Types.BOOLEAN, Minutes.MILLIS);
            minuteIds.initializeState(context);
        }

        @Override
        public void open() throws Exception {
            super.open();
            seen = getPartitionedState(new ValueStateDescriptor<>("click-id-seen", Types.BOOLEAN));
            minuteIds.open(getKeyedStateBackend());
        }

        @Override
        public void processElement(StreamRecord<AdClickEvent> element) throws Exception {
            long minute = Minutes.start(element.getValue().getClickTs());
            seen.update(Boolean.TRUE);
            minuteIds.of(minute).update(Boolean.TRUE);
            minuteIds.held(minute);
            output.collect(element);
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            super.snapshotState(context);
            minuteIds.snapshotState();
        }
    }

    private static AdClickEvent click(String clickId, String adId, long clickTs) {
        return AdClickEvent.newBuilder()
                .setClickId(clickId)
                .setAdId(adId)
                .setClickTs(clickTs)
                .setUserId("u-" + clickId)
                .setIp("10.0.0.1")
                .setCountry("US")
                .build();
    }
}
