package dev.tally.jobs.kit.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.TreeSet;
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

/**
 * Keyed values filed under their event-time bucket (a minute, an hour: the start of the bucket in
 * epoch milliseconds), so that all keys of one bucket can be listed without a timer per key: the
 * bucket is the state namespace, and each bucket goes to one of {@link #SLOTS} value states (RocksDB
 * column families) chosen by the bucket, so listing a bucket reads a column family that holds little
 * else. The buckets that may hold values on this subtask are kept as union operator state, so that
 * after a restore or a rescale every subtask still visits every bucket its keys may hold.
 *
 * <p>It reaches into Flink's internal keyed state ({@code InternalValueState}, {@code
 * applyToAllKeys}): a timer per key and bucket cost a timer-queue write and delete per key in
 * RocksDB, which BENCHMARKS.md's dedup and count-window figures were measured without.
 *
 * <p>One instance per operator instance; its task thread is its only user. Keyed state that cannot
 * list its keys (BATCH execution's) lists none: callers that run there must not rely on {@link
 * #forEachKey}.
 */
public final class TimeBucketSlots<K, V> {

    /**
     * Fixed for good: a restored value must be found in the slot it was written to. More buckets
     * than slots can be open; then a slot holds several buckets and listing one also reads the others.
     */
    public static final int SLOTS = 16;

    private final String slotNamePrefix;
    private final String bucketsName;
    private final TypeInformation<V> valueType;
    private final long bucketMillis;

    private ValueStateDescriptor<V>[] descriptors;
    private InternalValueState<K, Long, V>[] states;
    private KeyedStateBackend<K> keys;
    private TreeSet<Long> buckets;
    private ListState<Long> checkpointedBuckets;
    private long lastBucket = Long.MIN_VALUE;

    /**
     * @param slotNamePrefix the slot states are named this plus 0 to {@link #SLOTS} - 1
     * @param bucketsName the name of the union list state of the buckets held
     * @param bucketMillis the buckets' size; fixed for good, like the names
     */
    public TimeBucketSlots(String slotNamePrefix, String bucketsName, TypeInformation<V> valueType, long bucketMillis) {
        if (bucketMillis <= 0) {
            throw new IllegalArgumentException("bucket size must be positive, got " + bucketMillis);
        }
        this.slotNamePrefix = slotNamePrefix;
        this.bucketsName = bucketsName;
        this.valueType = valueType;
        this.bucketMillis = bucketMillis;
    }

    /** From the operator's {@code initializeState}. */
    public void initializeState(StateInitializationContext context) throws Exception {
        checkpointedBuckets =
                context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(bucketsName, Types.LONG));
        buckets = new TreeSet<>();
        if (context.isRestored()) {
            for (Long bucket : checkpointedBuckets.get()) {
                buckets.add(bucket);
            }
        }
    }

    /** From the operator's {@code open}, with its keyed state backend. */
    @SuppressWarnings({"unchecked", "rawtypes"}) // arrays of generic types
    public void open(KeyedStateBackend<K> keyedState) throws Exception {
        keys = keyedState;
        descriptors = new ValueStateDescriptor[SLOTS];
        states = new InternalValueState[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            descriptors[i] = new ValueStateDescriptor<>(slotName(slotNamePrefix, i), valueType);
            // The internal view lets each access switch namespace without a state lookup.
            states[i] = (InternalValueState<K, Long, V>)
                    keys.getOrCreateKeyedState(LongSerializer.INSTANCE, descriptors[i]);
        }
    }

    /** The current key's value of {@code bucket}; writing it files the bucket for listing. */
    public ValueState<V> of(long bucket) {
        InternalValueState<K, Long, V> state = states[slot(bucket)];
        state.setCurrentNamespace(bucket);
        return state;
    }

    /** Marks {@code bucket} as holding values; call when a value of it is written. */
    public void held(long bucket) {
        // Records mostly arrive in time order: one set insert per bucket, not per value.
        if (bucket != lastBucket) {
            buckets.add(bucket);
            lastBucket = bucket;
        }
    }

    /** The buckets that may hold values, oldest first; {@link #forget} removes one. */
    public NavigableSet<Long> buckets() {
        return Collections.unmodifiableNavigableSet(buckets);
    }

    /** Stops visiting {@code bucket}; its values must have been cleared. */
    public void forget(long bucket) {
        buckets.remove(bucket);
        if (bucket == lastBucket) {
            lastBucket = Long.MIN_VALUE;
        }
    }

    /** Calls {@code function} with each key holding a value of {@code bucket}, as the current key. */
    public void forEachKey(long bucket, KeyedStateFunction<K, ValueState<V>> function) throws Exception {
        keys.applyToAllKeys(bucket, LongSerializer.INSTANCE, descriptors[slot(bucket)], function);
    }

    /** From the operator's {@code snapshotState}. */
    public void snapshotState() throws Exception {
        checkpointedBuckets.update(new ArrayList<>(buckets));
    }

    public static String slotName(String prefix, int slot) {
        return prefix + slot;
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(Math.floorDiv(bucket, bucketMillis), (long) SLOTS);
    }
}
