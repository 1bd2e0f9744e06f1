package dev.tally.jobs.adclick.functions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * One subtask's best N ads of each (filter, window size, window end) offered so far: the first stage
 * of the two-stage top N. Not thread-safe; its operator's task thread is its only user.
 */
final class WindowTops {

    /** Entries of the recently used groups' table; a power of two. */
    private static final int RECENT = 1024;

    private final int n;

    /** Open groups: filters x window sizes x the window ends of one sweep (or of a whole BATCH run). */
    private final HashMap<Group, AdTopN> groups = new HashMap<>();

    /**
     * A direct-mapped cache of the open groups, by {@link #recentIndex} of (window end, filter, window
     * size): a few hundred groups in {@link #RECENT} entries mostly hit, so an offer finds its group
     * without a key object or a hash map lookup, in whatever order the keys' sums come.
     */
    private final Group[] recentGroups = new Group[RECENT];

    private final AdTopN[] recentTops = new AdTopN[RECENT];

    WindowTops(int n) {
        this.n = AdTopN.checkSize(n);
    }

    /** Offers one ad's sum over one window; allocates only when the group is new or the ad enters. */
    void offer(int filterId, int windowMinutes, long windowEnd, String adId, long sum) {
        int i = recentIndex(windowEnd, filterId, windowMinutes);
        AdTopN top = recent(i, windowEnd, filterId, windowMinutes);
        if (top == null) {
            Group group = new Group(windowEnd, filterId, windowMinutes);
            top = groups.computeIfAbsent(group, g -> new AdTopN(n));
            recentGroups[i] = group;
            recentTops[i] = top;
        }
        top.offer(adId, sum);
    }

    /**
     * Whether an offer of {@code sum} for the ad would enter its group's best N: always when the
     * group has fewer, or has none yet.
     */
    boolean wouldEnter(int filterId, int windowMinutes, long windowEnd, String adId, long sum) {
        AdTopN top = recent(recentIndex(windowEnd, filterId, windowMinutes), windowEnd, filterId, windowMinutes);
        if (top == null) {
            top = groups.get(new Group(windowEnd, filterId, windowMinutes));
        }
        return top == null || top.wouldEnter(adId, sum);
    }

    /** The group's best N if it is in the recent groups' entry {@code i}, else null. */
    private AdTopN recent(int i, long windowEnd, int filterId, int windowMinutes) {
        Group recent = recentGroups[i];
        return recent != null
                        && recent.windowEnd == windowEnd
                        && recent.filterId == filterId
                        && recent.windowMinutes == windowMinutes
                ? recentTops[i]
                : null;
    }

    /** Hands out and forgets every group, earliest window end first, then by filter and window size. */
    void drain(Consumer<TopCandidates> out) {
        if (groups.isEmpty()) {
            return;
        }
        Arrays.fill(recentGroups, null);
        Arrays.fill(recentTops, null);
        List<Group> closed = new ArrayList<>(groups.keySet());
        closed.sort(null);
        for (Group group : closed) {
            AdTopN top = groups.remove(group);
            out.accept(new TopCandidates(group.filterId, group.windowMinutes, group.windowEnd, top.sorted()));
        }
    }

    /** Number of groups offered to since the last drain. */
    int size() {
        return groups.size();
    }

    private static int recentIndex(long windowEnd, int filterId, int windowMinutes) {
        return Group.hash(windowEnd, filterId, windowMinutes) & (RECENT - 1);
    }

    private record Group(long windowEnd, int filterId, int windowMinutes) implements Comparable<Group> {
        @Override
        public int compareTo(Group other) {
            int byEnd = Long.compare(windowEnd, other.windowEnd);
            if (byEnd != 0) {
                return byEnd;
            }
            int byFilter = Integer.compare(filterId, other.filterId);
            return byFilter != 0 ? byFilter : Integer.compare(windowMinutes, other.windowMinutes);
        }

        // The record's own hash keeps the low bits of minute-aligned window ends equal, which piled
        // groups into a few buckets.
        @Override
        public int hashCode() {
            return hash(windowEnd, filterId, windowMinutes);
        }

        static int hash(long windowEnd, int filterId, int windowMinutes) {
            long h = ((windowEnd / Minutes.MILLIS) * 31 + filterId) * 31 + windowMinutes;
            h *= 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29));
        }
    }
}
