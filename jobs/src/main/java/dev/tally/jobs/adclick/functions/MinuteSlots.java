package dev.tally.jobs.adclick.functions;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.KeyedStateFunction;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.internal.InternalValueState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Keyed values filed under their event-time minute, so that all keys of one minute can be listed
 * without a timer per key: the minute is the state namespace, and each minute goes to one of
 * {@link #SLOTS} value states (RocksDB column families) chosen by the minute, so listing a minute
 * reads a column family that holds little else. The minutes that may hold values on this subtask
 * are kept as union operator state, so that after a restore or a rescale every subtask still
 * visits every minute its keys may hold.
 *
 * <p>One instance per operator instance; its task thread is its only user. Keyed state that cannot
 * list its keys (BATCH execution's) lists none: callers that run there must not rely on {@link
 * #forEachKey}.
 */
final class MinuteSlots<K, V> {

    /**
     * Fixed for good: a restored value must be found in the slot it was written to. More minutes
     * than slots can be open; then a slot holds several minutes and listing one also reads the others.
     */
    static final int SLOTS = 16;

    private final String slotNamePrefix;
    private final String minutesName;
    private final TypeInformation<V> valueType;

    private ValueStateDescriptor<V>[] descriptors;
    private InternalValueState<K, Long, V>[] states;
    private KeyedStateBackend<K> keys;
    private TreeSet<Long> minutes;
    private ListState<Long> checkpointedMinutes;
    private long lastMinute = Long.MIN_VALUE;

    /**
     * @param slotNamePrefix the slot states are named this plus 0 to {@link #SLOTS} - 1
     * @param minutesName the name of the union list state of the minutes held
     */
    MinuteSlots(String slotNamePrefix, String minutesName, TypeInformation<V> valueType) {
        this.slotNamePrefix = slotNamePrefix;
        this.minutesName = minutesName;
        this.valueType = valueType;
    }

    /** From the operator's {@code initializeState}. */
    void initializeState(StateInitializationContext context) throws Exception {
        checkpointedMinutes =
                context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(minutesName, Types.LONG));
        minutes = new TreeSet<>();
        if (context.isRestored()) {
            for (Long minute : checkpointedMinutes.get()) {
                minutes.add(minute);
            }
        }
    }

    /** From the operator's {@code open}, with its keyed state backend. */
    @SuppressWarnings("unchecked")
    void open(KeyedStateBackend<K> keyedState) throws Exception {
        keys = keyedState;
        descriptors = new ValueStateDescriptor[SLOTS];
        states = new InternalValueState[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            descriptors[i] = new ValueStateDescriptor<>(slotName(slotNamePrefix, i), valueType);
            // The internal view lets each access switch namespace without a state lookup.
            states[i] =
                    (InternalValueState<K, Long, V>) keys.getOrCreateKeyedState(LongSerializer.INSTANCE, descriptors[i]);
        }
    }

    /** The current key's value of {@code minute}; writing it files the minute for listing. */
    ValueState<V> of(long minute) {
        InternalValueState<K, Long, V> state = states[slot(minute)];
        state.setCurrentNamespace(minute);
        return state;
    }

    /** Marks {@code minute} as holding values; call when a value of it is written. */
    void held(long minute) {
        // Clicks and partials mostly arrive in minute order: one set insert per minute, not per value.
        if (minute != lastMinute) {
            minutes.add(minute);
            lastMinute = minute;
        }
    }

    /** The minutes that may hold values, oldest first; {@link #forget} removes one. */
    NavigableSet<Long> minutes() {
        return Collections.unmodifiableNavigableSet(minutes);
    }

    /** Stops visiting {@code minute}; its values must have been cleared. */
    void forget(long minute) {
        minutes.remove(minute);
        if (minute == lastMinute) {
            lastMinute = Long.MIN_VALUE;
        }
    }

    /** Calls {@code function} with each key holding a value of {@code minute}, as the current key. */
    void forEachKey(long minute, KeyedStateFunction<K, ValueState<V>> function) throws Exception {
        keys.applyToAllKeys(minute, LongSerializer.INSTANCE, descriptors[slot(minute)], function);
    }

    /** From the operator's {@code snapshotState}. */
    void snapshotState() throws Exception {
        checkpointedMinutes.update(new ArrayList<>(minutes));
    }

    static String slotName(String prefix, int slot) {
        return prefix + slot;
    }

    private static int slot(long minute) {
        return (int) Math.floorMod(minute / Minutes.MILLIS, (long) SLOTS);
    }
}
