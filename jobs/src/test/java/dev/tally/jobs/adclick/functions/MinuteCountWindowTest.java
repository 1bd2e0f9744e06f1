package dev.tally.jobs.adclick.functions;

import static dev.tally.jobs.adclick.functions.AdClicks.T0;
import static dev.tally.jobs.adclick.functions.AdClicks.minute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.jobs.kit.CapturedMetrics;
import dev.tally.jobs.kit.HarnessState;
import dev.tally.jobs.kit.state.EmittedThrough;
import dev.tally.jobs.kit.state.TimeBucketSlots;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 1-minute count window on both state backends: RocksDB lists a minute's keys while clearing
 * them, the heap backend from a copy. Its BATCH path (timers) runs in the replay's tests.
 */
class MinuteCountWindowTest {

    private static final TypeInformation<CountKey> KEY = TypeInformation.of(CountKey.class);

    @TempDir
    Path tmp;

    private final List<KeyedOneInputStreamOperatorTestHarness<CountKey, ClickCount, ClickCount>> opened =
            new ArrayList<>();
    private String backend = "hashmap";
    private CapturedMetrics metrics;

    @AfterEach
    void close() throws Exception {
        for (var harness : opened) {
            harness.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void sumsPartialsPerKeyAndMinuteAndEmitsThemWhenTheMinuteEnds(String stateBackend) throws Exception {
        backend = stateBackend;
        var harness = open(Duration.ZERO);
        send(harness, ClickCount.forFilter("ad1", 0, T0, 3));
        send(harness, ClickCount.forFilter("ad1", 0, T0, 2));
        send(harness, ClickCount.forFilter("ad1", 1, T0, 4));
        send(harness, ClickCount.forCountry("ad1", "US", T0, 4));
        send(harness, ClickCount.forFilter("ad1", 0, minute(1), 1));

        harness.processWatermark(T0 + 59_998);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(T0 + 59_999);
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        ClickCount.forFilter("ad1", 0, T0, 5),
                        ClickCount.forFilter("ad1", 1, T0, 4),
                        ClickCount.forCountry("ad1", "US", T0, 4));
        assertThat(harness.extractOutputStreamRecords())
                .allSatisfy(r -> assertThat(r.getTimestamp()).isEqualTo(T0 + 59_999));
        // The totals leave before the watermark that closed their minute.
        assertThat(harness.getOutput().toArray()[harness.getOutput().size() - 1])
                .isEqualTo(new Watermark(T0 + 59_999));
        // Open minutes add up on the heap, and with no lateness a closed minute is not kept.
        assertThat(stored(harness)).isZero();
        harness.getOutput().clear();

        harness.processWatermark(Long.MAX_VALUE);
        assertThat(harness.extractOutputValues()).containsExactly(ClickCount.forFilter("ad1", 0, minute(1), 1));
        assertThat(stored(harness)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aLatePartialWithinTheLatenessEmitsTheNewTotalAtOnce(String stateBackend) throws Exception {
        backend = stateBackend;
        var harness = open(Duration.ofMinutes(1));
        send(harness, ClickCount.forFilter("ad1", 0, T0, 5));
        harness.processWatermark(T0 + 59_999);
        assertThat(harness.extractOutputValues()).containsExactly(ClickCount.forFilter("ad1", 0, T0, 5));
        harness.getOutput().clear();

        send(harness, ClickCount.forFilter("ad1", 0, T0, 2));
        assertThat(harness.extractOutputValues()).containsExactly(ClickCount.forFilter("ad1", 0, T0, 7));
        harness.getOutput().clear();

        // A later watermark within the lateness neither emits the minute again nor forgets it.
        harness.processWatermark(minute(1) + 59_998);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(stored(harness)).isEqualTo(1);

        harness.processWatermark(minute(1) + 59_999);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(stored(harness)).isZero();

        send(harness, ClickCount.forFilter("ad1", 0, T0, 1));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(metrics.count("numLateRecordsDropped")).isEqualTo(1);
        assertThat(stored(harness)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void minutesSharingASlotAreEmittedSeparately(String stateBackend) throws Exception {
        backend = stateBackend;
        var harness = open(Duration.ZERO);
        long sameSlot = minute(TimeBucketSlots.SLOTS);
        send(harness, ClickCount.forFilter("ad1", 0, T0, 1));
        send(harness, ClickCount.forFilter("ad2", 0, sameSlot, 2));

        harness.processWatermark(T0 + 59_999);
        assertThat(harness.extractOutputValues()).containsExactly(ClickCount.forFilter("ad1", 0, T0, 1));
        harness.getOutput().clear();

        harness.processWatermark(sameSlot + 59_999);
        assertThat(harness.extractOutputValues()).containsExactly(ClickCount.forFilter("ad2", 0, sameSlot, 2));
        assertThat(stored(harness)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void openMinutesSurviveARestart(String stateBackend) throws Exception {
        backend = stateBackend;
        var before = open(Duration.ZERO);
        send(before, ClickCount.forFilter("ad1", 0, T0, 3));
        send(before, ClickCount.forFilter("ad2", 0, minute(1), 1));
        // No partial has a null country today, but the key allows it and the checkpoint keeps it.
        ClickCount noCountry = new ClickCount("ad3", ClickCount.COUNTRY_DIMENSION, null, minute(1), 2);
        send(before, noCountry);
        before.processWatermark(T0 + 59_999);
        assertThat(before.extractOutputValues()).containsExactly(ClickCount.forFilter("ad1", 0, T0, 3));
        OperatorSubtaskState snapshot = before.snapshot(1L, T0);

        var after = open(Duration.ZERO, snapshot);
        send(after, ClickCount.forFilter("ad2", 0, minute(1), 4));
        after.processWatermark(minute(1) + 59_999);
        assertThat(after.extractOutputValues())
                .containsExactlyInAnyOrder(ClickCount.forFilter("ad2", 0, minute(1), 5), noCountry);
        assertThat(stored(after)).isZero();
    }

    /** A minute open at the checkpoint closes on the restored operator's first watermark past it, with no new partial. */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aMinuteOpenAtTheCheckpointIsEmittedByTheWatermarkAlone(String stateBackend) throws Exception {
        backend = stateBackend;
        var before = open(Duration.ZERO);
        send(before, ClickCount.forFilter("ad1", 0, T0, 3));
        before.processWatermark(T0 + 10_000);
        OperatorSubtaskState snapshot = before.snapshot(1L, T0);

        var after = open(Duration.ZERO, snapshot);
        after.processWatermark(minute(30));
        assertThat(after.extractOutputValues()).containsExactly(ClickCount.forFilter("ad1", 0, T0, 3));
        assertThat(stored(after)).isZero();
    }

    /** A minute emitted before a checkpoint, but kept for its lateness, is not emitted again after it. */
    @Test
    void aRestoredSubtaskDoesNotEmitAMinuteAgain() throws Exception {
        var before = open(Duration.ofMinutes(5));
        send(before, ClickCount.forFilter("ad1", 0, T0, 3));
        before.processWatermark(T0 + 59_999);
        assertThat(before.extractOutputValues()).containsExactly(ClickCount.forFilter("ad1", 0, T0, 3));
        OperatorSubtaskState snapshot = before.snapshot(1L, T0);

        var after = open(Duration.ofMinutes(5), snapshot);
        after.processWatermark(minute(1) + 59_999);
        assertThat(after.extractOutputValues()).isEmpty();
        send(after, ClickCount.forFilter("ad1", 0, T0, 1));
        assertThat(after.extractOutputValues()).containsExactly(ClickCount.forFilter("ad1", 0, T0, 4));
    }

    @Test
    void afterRescalingEverySubtaskEmitsTheTotalsItReceived() throws Exception {
        var before = open(Duration.ZERO);
        for (int i = 0; i < 100; i++) {
            send(before, ClickCount.forFilter("ad" + i, 0, T0, i + 1));
        }
        OperatorSubtaskState snapshot = before.snapshot(1L, T0);

        List<ClickCount> emitted = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            var part = new KeyedOneInputStreamOperatorTestHarness<>(
                    new MinuteCountWindow(Duration.ZERO), new CountKey.Selector(), KEY, 128, 2, subtask);
            opened.add(part);
            part.initializeState(
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 128, 1, 2, subtask));
            part.open();
            part.processWatermark(T0 + 59_999);
            assertThat(part.extractOutputValues()).isNotEmpty();
            emitted.addAll(part.extractOutputValues());
            assertThat(stored(part)).isZero();
        }
        assertThat(emitted).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(emitted).contains(ClickCount.forFilter("ad" + i, 0, T0, i + 1));
        }
    }

    /** Versions before the open minutes moved to the heap kept them in the keyed state. */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void restoresOpenMinutesAnEarlierVersionKeptInTheKeyedState(String stateBackend) throws Exception {
        backend = stateBackend;
        var earlier = new KeyedOneInputStreamOperatorTestHarness<>(
                new EarlierVersionWindow(),
                new CountKey.Selector(),
                KEY,
                HarnessState.environment(new CapturedMetrics(), tmp));
        opened.add(earlier);
        HarnessState.use(earlier, backend, tmp);
        earlier.open();
        send(earlier, ClickCount.forCountry("ad1", "US", T0, 3));
        send(earlier, ClickCount.forCountry("ad2", "FR", T0, 1));
        earlier.processWatermark(T0 + 10_000);
        OperatorSubtaskState snapshot = earlier.snapshot(1L, T0);

        var after = open(Duration.ZERO, snapshot);
        send(after, ClickCount.forCountry("ad1", "US", T0, 2));
        after.processWatermark(T0 + 59_999);
        assertThat(after.extractOutputValues())
                .containsExactlyInAnyOrder(
                        ClickCount.forCountry("ad1", "US", T0, 5), ClickCount.forCountry("ad2", "FR", T0, 1));
        assertThat(stored(after)).isZero();
    }

    /**
     * After a rescale the restored watermark is the lowest of the old subtasks', so a minute one of
     * them had closed, and kept for its lateness, is open again; a partial for it adds to the kept total.
     */
    @Test
    void aMinuteClosedBeforeARescaleKeepsItsTotalWhenThatMinuteIsOpenAgain() throws Exception {
        Duration lateness = Duration.ofMinutes(2);
        ClickCount partial = ClickCount.forCountry("ad1", "US", T0, 3);
        int owner = KeyGroupRangeAssignment.assignKeyToParallelOperator(CountKey.of(partial), 128, 2);
        OperatorSubtaskState[] snapshots = new OperatorSubtaskState[2];
        for (int subtask = 0; subtask < 2; subtask++) {
            var part = new KeyedOneInputStreamOperatorTestHarness<>(
                    new MinuteCountWindow(lateness), new CountKey.Selector(), KEY, 128, 2, subtask);
            opened.add(part);
            part.open();
            if (subtask == owner) {
                send(part, partial);
                part.processWatermark(T0 + 59_999); // minute 0 closes here and stays for late partials
            } else {
                part.processWatermark(T0 + 10_000); // the other subtask is behind
            }
            snapshots[subtask] = part.snapshot(1L, T0);
        }

        var merged = open(lateness, AbstractStreamOperatorTestHarness.repackageState(snapshots));
        send(merged, ClickCount.forCountry("ad1", "US", T0, 2));
        merged.processWatermark(T0 + 59_999);
        assertThat(merged.extractOutputValues()).containsExactly(ClickCount.forCountry("ad1", "US", T0, 5));
        merged.getOutput().clear();

        // Kept for its lateness with the new total: a late partial adds to 5, not to 3.
        send(merged, ClickCount.forCountry("ad1", "US", T0, 1));
        assertThat(merged.extractOutputValues()).containsExactly(ClickCount.forCountry("ad1", "US", T0, 6));
    }

    @Test
    void constructorRejectsANegativeLateness() {
        assertThatThrownBy(() -> new MinuteCountWindow(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
    }

    private KeyedOneInputStreamOperatorTestHarness<CountKey, ClickCount, ClickCount> open(Duration lateness)
            throws Exception {
        return open(lateness, null);
    }

    private KeyedOneInputStreamOperatorTestHarness<CountKey, ClickCount, ClickCount> open(
            Duration lateness, OperatorSubtaskState restoreFrom) throws Exception {
        metrics = new CapturedMetrics();
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new MinuteCountWindow(lateness), new CountKey.Selector(), KEY, HarnessState.environment(metrics, tmp));
        opened.add(harness);
        HarnessState.use(harness, backend, tmp);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    /** Totals held, over every slot and minute. */
    private static long stored(KeyedOneInputStreamOperatorTestHarness<CountKey, ClickCount, ClickCount> harness)
            throws Exception {
        long held = 0;
        for (int slot = 0; slot < TimeBucketSlots.SLOTS; slot++) {
            for (long minute = minute(-2); minute <= minute(TimeBucketSlots.SLOTS + 2); minute += Minutes.MILLIS) {
                try (var keys = harness.getOperator()
                        .getKeyedStateBackend()
                        .getKeys(MinuteCountWindow.slotStateName(slot), minute)) {
                    held += keys.count();
                }
            }
        }
        return held;
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<CountKey, ClickCount, ClickCount> harness, ClickCount partial)
            throws Exception {
        harness.processElement(new StreamRecord<>(partial, Minutes.maxTimestamp(partial.minute)));
    }

    /**
     * Writes state as the versions up to e5068a6 did: every total in the keyed state, filed under
     * its minute, with the minutes listed in operator state.
     */
    private static final class EarlierVersionWindow extends AbstractStreamOperator<ClickCount>
            implements OneInputStreamOperator<ClickCount, ClickCount> {

        private transient TimeBucketSlots<CountKey, Long> totals;
        private transient EmittedThrough emitted;

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            totals = new TimeBucketSlots<>("minute-totals-", "open-minutes", Types.LONG, Minutes.MILLIS);
            totals.initializeState(context);
            emitted = EmittedThrough.lowestRestored();
            emitted.initializeState(context);
        }

        @Override
        public void open() throws Exception {
            super.open();
            totals.open(getKeyedStateBackend());
        }

        @Override
        public void processElement(StreamRecord<ClickCount> element) throws Exception {
            ClickCount partial = element.getValue();
            ValueState<Long> ofMinute = totals.of(partial.minute);
            Long before = ofMinute.value();
            ofMinute.update((before == null ? 0L : before) + partial.count);
            totals.held(partial.minute);
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            emitted.advance(mark.getTimestamp());
            super.processWatermark(mark);
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            super.snapshotState(context);
            totals.snapshotState();
            emitted.snapshotState();
        }
    }
}
