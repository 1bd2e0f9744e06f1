package dev.tally.jobs.adclick.functions;

import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyGroupStatePartitionStreamProvider;
import org.apache.flink.runtime.state.KeyedStateCheckpointOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The running count of each key in each minute that has not closed yet, on the heap, for {@link
 * RollingTopCandidates}: the partials of an open minute add up here and reach the keyed state once,
 * when the minute closes. A checkpoint writes them as raw keyed state, by key group, so that a
 * restore, rescaled or not, gives each subtask the keys it owns, and the keyed state is not written
 * for every key at every checkpoint.
 */
final class OpenMinuteCounts {

    private static final int FORMAT_VERSION = 1;

    /** A key's count of one open minute; {@code stored} when the keyed state already holds it. */
    static final class Count {
        long count;
        boolean stored;
    }

    private record Snapshotted(long minute, AdFilterKey key, long count) {}

    private final TreeMap<Long, Map<AdFilterKey, Count>> byMinute = new TreeMap<>();

    /** The key's count of {@code minute}, created at 0. */
    Count of(long minute, AdFilterKey key) {
        return byMinute.computeIfAbsent(minute, m -> new HashMap<>()).computeIfAbsent(key, k -> new Count());
    }

    /**
     * A count that the keyed state holds for a minute open at the restored watermark (left by an
     * earlier version, or closed by an old subtask ahead of the others); one restored from the raw
     * keyed state is newer and stays.
     */
    void addStored(long minute, AdFilterKey key, long count) {
        Map<AdFilterKey, Count> counts = byMinute.computeIfAbsent(minute, m -> new HashMap<>());
        if (!counts.containsKey(key)) {
            Count stored = new Count();
            stored.count = count;
            stored.stored = true;
            counts.put(key, stored);
        }
    }

    boolean isEmpty() {
        return byMinute.isEmpty();
    }

    long earliestMinute() {
        return byMinute.firstKey();
    }

    /** Removes and returns the counts of the earliest minute; there must be one. */
    Map.Entry<Long, Map<AdFilterKey, Count>> pollEarliest() {
        return byMinute.pollFirstEntry();
    }

    /**
     * Writes every count not in the keyed state yet into the section of its key's group; every group
     * of {@code range} gets a section, an empty one too.
     */
    void snapshot(KeyedStateCheckpointOutputStream out, KeyGroupRange range, int maxParallelism) throws IOException {
        List<List<Snapshotted>> byGroup = new ArrayList<>(range.getNumberOfKeyGroups());
        for (int i = 0; i < range.getNumberOfKeyGroups(); i++) {
            byGroup.add(new ArrayList<>());
        }
        byMinute.forEach(
                (minute, counts) ->
                        counts.forEach(
                                (key, count) -> {
                                    if (!count.stored) {
                                        int group = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
                                        byGroup.get(group - range.getStartKeyGroup()).add(new Snapshotted(minute, key, count.count));
                                    }
                                }));
        DataOutputViewStreamWrapper view = new DataOutputViewStreamWrapper(out);
        for (int group : range) {
            out.startNewKeyGroup(group);
            List<Snapshotted> entries = byGroup.get(group - range.getStartKeyGroup());
            view.writeInt(FORMAT_VERSION);
            view.writeInt(entries.size());
            for (Snapshotted entry : entries) {
                view.writeLong(entry.minute());
                view.writeUTF(entry.key().adId);
                view.writeInt(entry.key().filterId);
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
                    throw new IOException(
                            "Open minute counts of key group " + group.getKeyGroupId() + " have format " + version
                                    + ", this version reads " + FORMAT_VERSION);
                }
                int entries = view.readInt();
                for (int i = 0; i < entries; i++) {
                    long minute = view.readLong();
                    AdFilterKey key = new AdFilterKey(view.readUTF(), view.readInt());
                    of(minute, key).count += view.readLong();
                }
            }
        }
    }
}
