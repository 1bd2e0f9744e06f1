package dev.tally.jobs.adclick.functions;

import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.KeyedStateFunction;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;

/**
 * Where {@link RollingTopCandidates} keeps each key's {@link MinuteCounts} in its keyed state, and how
 * it gets at them. In streaming execution the counts of every key of a key group are one MapState under
 * the group's {@link KeyGroupAnchors anchor}, so the walk over all keys at a minute boundary reads a
 * group with one RocksDB iterator pass. Input sorted by key (BATCH execution) comes with keyed state
 * that holds one key at a time and cannot list keys; there each key's counts are its own ValueState,
 * as earlier streaming versions kept them (a restore moves those into the groups' maps).
 *
 * <p>Reading or writing a key's counts makes its anchor (or the key, with sorted input) the operator's
 * current key; the operator sets it back before it touches any other keyed state.
 */
final class KeyMinuteCounts {

    private final ValueStateDescriptor<long[]> ownDescriptor;
    private final ValueState<long[]> own;
    /** Null with sorted input. */
    private final MapState<AdFilterKey, long[]> groups;
    /** Null with sorted input. */
    private final KeyGroupAnchors anchors;

    private final KeyedStateBackend<AdFilterKey> backend;
    private final Consumer<Object> setCurrentKey;

    /** With sorted input: each key's counts in its own ValueState. */
    static KeyMinuteCounts perKey(
            ValueStateDescriptor<long[]> ownDescriptor,
            ValueState<long[]> own,
            KeyedStateBackend<AdFilterKey> backend,
            Consumer<Object> setCurrentKey) {
        return new KeyMinuteCounts(ownDescriptor, own, null, null, backend, setCurrentKey);
    }

    /** In streaming execution: each key group's counts in one map under its anchor. */
    static KeyMinuteCounts perGroup(
            ValueStateDescriptor<long[]> ownDescriptor,
            ValueState<long[]> own,
            MapState<AdFilterKey, long[]> groups,
            KeyGroupAnchors anchors,
            KeyedStateBackend<AdFilterKey> backend,
            Consumer<Object> setCurrentKey) {
        return new KeyMinuteCounts(ownDescriptor, own, groups, anchors, backend, setCurrentKey);
    }

    private KeyMinuteCounts(
            ValueStateDescriptor<long[]> ownDescriptor,
            ValueState<long[]> own,
            MapState<AdFilterKey, long[]> groups,
            KeyGroupAnchors anchors,
            KeyedStateBackend<AdFilterKey> backend,
            Consumer<Object> setCurrentKey) {
        this.ownDescriptor = ownDescriptor;
        this.own = own;
        this.groups = groups;
        this.anchors = anchors;
        this.backend = backend;
        this.setCurrentKey = setCurrentKey;
    }

    /** The key's counts, or null. With sorted input, {@code key} is the current key already. */
    long[] get(AdFilterKey key) throws Exception {
        if (groups == null) {
            return own.value();
        }
        setCurrentKey.accept(anchors.of(key));
        return groups.get(key);
    }

    /** Writes the key's counts where {@link #get} reads them; a key without counts leaves no state. */
    void put(AdFilterKey key, long[] counts) throws Exception {
        if (groups == null) {
            if (MinuteCounts.isEmpty(counts)) {
                own.clear();
            } else {
                own.update(counts);
            }
            return;
        }
        setCurrentKey.accept(anchors.of(key));
        putInCurrentGroup(key, counts);
    }

    /** With sorted input, the current key's counts go: its input has ended and everything is out. */
    void clearCurrentKey() {
        own.clear();
    }

    /** Makes the group's anchor the current key and returns the group's counts, to read in one pass. */
    Iterable<Map.Entry<AdFilterKey, long[]>> enterGroup(int group) throws Exception {
        setCurrentKey.accept(anchors.forGroup(group));
        return groups.entries();
    }

    /** The key groups of this subtask, for {@link #enterGroup}. */
    Iterable<Integer> groups() {
        return anchors.range();
    }

    /** {@link #put} for a key of the group last entered: its anchor is the current key already. */
    void putInCurrentGroup(AdFilterKey key, long[] counts) throws Exception {
        if (MinuteCounts.isEmpty(counts)) {
            groups.remove(key);
        } else {
            groups.put(key, counts);
        }
    }

    /** Moves the counts that earlier streaming versions kept in a ValueState per key into the groups' maps. */
    void moveKeyStateIntoGroups() throws Exception {
        backend.applyToAllKeys(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, ownDescriptor, (KeyedStateFunction<
                                AdFilterKey, ValueState<long[]>>)
                        (key, state) -> {
                            long[] counts = state.value();
                            state.clear();
                            AdFilterKey copy = new AdFilterKey(key.adId, key.filterId);
                            setCurrentKey.accept(anchors.of(copy));
                            groups.put(copy, counts);
                        });
    }

    /** How many keys hold counts, in either layout. */
    long keys() throws Exception {
        long keys;
        try (var stream = backend.getKeys(ownDescriptor.getName(), VoidNamespace.INSTANCE)) {
            keys = stream.count();
        }
        if (groups != null) {
            for (int group : groups()) {
                for (Map.Entry<AdFilterKey, long[]> ignored : enterGroup(group)) {
                    keys++;
                }
            }
        }
        return keys;
    }
}
