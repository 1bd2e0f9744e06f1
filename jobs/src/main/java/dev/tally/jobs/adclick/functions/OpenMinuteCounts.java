package dev.tally.jobs.adclick.functions;

import com.carrotsearch.hppc.ObjectLongHashMap;
import com.carrotsearch.hppc.cursors.ObjectLongCursor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyGroupStatePartitionStreamProvider;
import org.apache.flink.runtime.state.KeyedStateCheckpointOutputStream;

/**
 * The running count of each key in each minute that has not closed yet, on the heap, for the
 * operators that count per minute ({@link RollingTopCandidates}, {@link MinuteCountWindow}): the
 * partials of an open minute add up here, and reach the keyed state at most once, when the minute
 * closes and must stay for late partials. A checkpoint writes them as raw keyed state, by key group,
 * so that a restore, rescaled or not, gives each subtask the keys it owns, and the keyed state is not
 * written for every key at every checkpoint.
 *
 * @param <K> the operator's key
 */
final class OpenMinuteCounts<K> {

    private static final int FORMAT_VERSION = 1;

    /** How a key is written into a checkpoint; a format, once checkpointed, must stay readable. */
    interface KeyFormat<K> {
        void write(K key, DataOutputView out) throws IOException;

        K read(DataInputView in) throws IOException;
    }

    /** Takes each key's count of a closed minute, and whether the keyed state already holds it. */
    @FunctionalInterface
    interface CountConsumer<K> {
        void accept(K key, long count, boolean stored) throws Exception;
    }

    /**
     * The counts of one minute. A primitive map, not a map of boxed counts: the open minutes hold a
     * count for most keys of the last minute or two, and two fewer objects per count are less for the
     * garbage collector to copy and mark while they live.
     */
    static final class Minute<K> {
        private final ObjectLongHashMap<K> counts = new ObjectLongHashMap<>();
        /** Keys whose count the keyed state holds and no partial has changed since; rarely any. */
        private final Set<K> stored = new HashSet<>();

        /**
         * Removes the key's count and returns it if the keyed state does not hold it yet: 0 when it
         * does or there is none, as counts are positive.
         */
        long takeUnstored(K key) {
            long count = counts.remove(key);
            return count != 0 && !stored.isEmpty() && stored.contains(key) ? 0 : count;
        }

        /** The key's count, stored or not; 0 when it has none. */
        long count(K key) {
            return counts.get(key);
        }

        /** Calls {@code action} with every key's count. */
        void forEach(CountConsumer<K> action) throws Exception {
            for (ObjectLongCursor<K> entry : counts) {
                action.accept(entry.key, entry.value, !stored.isEmpty() && stored.contains(entry.key));
            }
        }
    }

    private record Snapshotted<K>(long minute, K key, long count) {}

    private final TreeMap<Long, Minute<K>> byMinute = new TreeMap<>();
    private final KeyFormat<K> format;

    private OpenMinuteCounts(KeyFormat<K> format) {
        this.format = format;
    }

    /** For keys of (ad, filter). */
    static OpenMinuteCounts<AdFilterKey> ofAdFilterKeys() {
        return new OpenMinuteCounts<>(new KeyFormat<>() {
            @Override
            public void write(AdFilterKey key, DataOutputView out) throws IOException {
                out.writeUTF(key.adId);
                out.writeInt(key.filterId);
            }

            @Override
            public AdFilterKey read(DataInputView in) throws IOException {
                return new AdFilterKey(in.readUTF(), in.readInt());
            }
        });
    }

    /** For keys of (ad, filter, country); the country may be null. */
    static OpenMinuteCounts<CountKey> ofCountKeys() {
        return new OpenMinuteCounts<>(new KeyFormat<>() {
            @Override
            public void write(CountKey key, DataOutputView out) throws IOException {
                out.writeUTF(key.adId);
                out.writeInt(key.filterId);
                out.writeBoolean(key.country != null);
                if (key.country != null) {
                    out.writeUTF(key.country);
                }
            }

            @Override
            public CountKey read(DataInputView in) throws IOException {
                String adId = in.readUTF();
                int filterId = in.readInt();
                return new CountKey(adId, filterId, in.readBoolean() ? in.readUTF() : null);
            }
        });
    }

    /** Adds {@code count} to the key's count of {@code minute}. */
    void add(long minute, K key, long count) {
        Minute<K> counts = byMinute.computeIfAbsent(minute, m -> new Minute<>());
        counts.counts.addTo(key, count);
        if (!counts.stored.isEmpty()) {
            counts.stored.remove(key);
        }
    }

    /**
     * A count that the keyed state holds for a minute open at the restored watermark (left by an
     * earlier version, or closed by an old subtask ahead of the others); one restored from the raw
     * keyed state is newer and stays.
     */
    void addStored(long minute, K key, long count) {
        Minute<K> counts = byMinute.computeIfAbsent(minute, m -> new Minute<>());
        if (!counts.counts.containsKey(key)) {
            counts.counts.put(key, count);
            counts.stored.add(key);
        }
    }

    boolean isEmpty() {
        return byMinute.isEmpty();
    }

    long earliestMinute() {
        return byMinute.firstKey();
    }

    /** Removes and returns the counts of the earliest minute; there must be one. */
    Map.Entry<Long, Minute<K>> pollEarliest() {
        return byMinute.pollFirstEntry();
    }

    /**
     * Writes every count not in the keyed state yet into the section of its key's group; every group
     * of {@code range} gets a section, an empty one too.
     */
    void snapshot(KeyedStateCheckpointOutputStream out, KeyGroupRange range, int maxParallelism) throws IOException {
        List<List<Snapshotted<K>>> byGroup = new ArrayList<>(range.getNumberOfKeyGroups());
        for (int i = 0; i < range.getNumberOfKeyGroups(); i++) {
            byGroup.add(new ArrayList<>());
        }
        for (Map.Entry<Long, Minute<K>> minute : byMinute.entrySet()) {
            Minute<K> counts = minute.getValue();
            for (ObjectLongCursor<K> entry : counts.counts) {
                if (counts.stored.isEmpty() || !counts.stored.contains(entry.key)) {
                    int group = KeyGroupRangeAssignment.assignToKeyGroup(entry.key, maxParallelism);
                    byGroup.get(group - range.getStartKeyGroup())
                            .add(new Snapshotted<>(minute.getKey(), entry.key, entry.value));
                }
            }
        }
        DataOutputViewStreamWrapper view = new DataOutputViewStreamWrapper(out);
        for (int group : range) {
            out.startNewKeyGroup(group);
            List<Snapshotted<K>> entries = byGroup.get(group - range.getStartKeyGroup());
            view.writeInt(FORMAT_VERSION);
            view.writeInt(entries.size());
            for (Snapshotted<K> entry : entries) {
                view.writeLong(entry.minute());
                format.write(entry.key(), view);
                view.writeLong(entry.count());
            }
        }
    }

    /** Adds the counts of the key groups this subtask restores. */
    void restore(Iterable<KeyGroupStatePartitionStreamProvider> groups) throws IOException {
        for (KeyGroupStatePartitionStreamProvider group : groups) {
            try (InputStream in = group.getStream()) {
                DataInputViewStreamWrapper view = new DataInputViewStreamWrapper(in);
                int version = view.readInt();
                if (version != FORMAT_VERSION) {
                    throw new IOException("Open minute counts of key group " + group.getKeyGroupId() + " have format "
                            + version + ", this version reads " + FORMAT_VERSION);
                }
                int entries = view.readInt();
                for (int i = 0; i < entries; i++) {
                    long minute = view.readLong();
                    K key = format.read(view);
                    add(minute, key, view.readLong());
                }
            }
        }
    }
}
