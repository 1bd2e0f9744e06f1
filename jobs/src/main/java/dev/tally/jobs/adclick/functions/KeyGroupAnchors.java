package dev.tally.jobs.adclick.functions;

import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * One key in each key group of a subtask's range, under which {@link RollingTopCandidates} keeps
 * the counts of all the group's keys in one MapState: a walk over every key then reads keys and
 * values in one pass of a RocksDB iterator per group, where a ValueState per key needs a point read
 * for each key after the key iterator has passed it.
 *
 * <p>An anchor is in the same key group as the keys it holds, so a rescale moves them together, and
 * it is found again after a restore: the key groups depend only on the maximum parallelism, which a
 * restore keeps. Anchors have an empty ad id; only their key group matters, and the keys they hold
 * never have keyed state of their own in streaming execution.
 */
final class KeyGroupAnchors {

    private final KeyGroupRange range;
    private final int maxParallelism;
    private final AdFilterKey[] anchors;

    private KeyGroupAnchors(KeyGroupRange range, int maxParallelism, AdFilterKey[] anchors) {
        this.range = range;
        this.maxParallelism = maxParallelism;
        this.anchors = anchors;
    }

    /** The anchors of every key group in {@code range}. */
    static KeyGroupAnchors of(KeyGroupRange range, int maxParallelism) {
        AdFilterKey[] anchors = new AdFilterKey[range.getNumberOfKeyGroups()];
        int missing = anchors.length;
        // With an empty ad id the key's hash is its filter id, and murmur hashing spreads consecutive
        // ids over the groups: about maxParallelism * ln(groups) tries find them all.
        for (int filterId = -1; missing > 0; filterId--) {
            AdFilterKey key = new AdFilterKey("", filterId);
            int group = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
            if (range.contains(group) && anchors[group - range.getStartKeyGroup()] == null) {
                anchors[group - range.getStartKeyGroup()] = key;
                missing--;
            }
        }
        return new KeyGroupAnchors(range, maxParallelism, anchors);
    }

    /** The anchor of {@code key}'s key group, which must be in the range. */
    AdFilterKey of(AdFilterKey key) {
        return forGroup(KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism));
    }

    AdFilterKey forGroup(int group) {
        if (!range.contains(group)) {
            throw new IllegalArgumentException("key group " + group + " is not in " + range);
        }
        return anchors[group - range.getStartKeyGroup()];
    }

    KeyGroupRange range() {
        return range;
    }
}
