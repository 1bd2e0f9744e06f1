package dev.tally.jobs.leaderboard.functions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A tournament's best players in display order, exact at all times: it holds the best
 * {@code size()} players of the tournament, so its first K are the top K while it holds K.
 *
 * <p>Until it has turned anyone away it holds every player. After that, everyone outside ranks
 * after its last entry, so a player who re-places ahead of the last entry enters (and the last leaves
 * when it is over capacity), and a listed player who falls behind the last leaves: who would be next
 * is unknown. Scores only grow except by corrections, so the margin above K absorbs those.
 */
public final class TopList {

    private final int capacity;
    private final ArrayList<Standing> entries;
    private boolean everyoneListed;

    public TopList(int capacity, List<Standing> entries, boolean everyoneListed) {
        this.capacity = capacity;
        this.entries = new ArrayList<>(entries);
        this.everyoneListed = everyoneListed;
    }

    /** An empty tournament's list. */
    public static TopList empty(int capacity) {
        return new TopList(capacity, List.of(), true);
    }

    /** Re-places {@code player} (a new one, or one whose score or reached_at changed); true if the list changed. */
    public boolean place(Standing player) {
        boolean removed = entries.removeIf(s -> s.userId.equals(player.userId));
        int at = Collections.binarySearch(entries, player, Standing.DISPLAY_ORDER);
        int insertion = at >= 0 ? at : -at - 1;
        if (!everyoneListed && insertion >= entries.size()) {
            return removed;
        }
        entries.add(insertion, player);
        if (entries.size() > capacity) {
            entries.remove(entries.size() - 1);
            everyoneListed = false;
        }
        return true;
    }

    /** The first {@code k}, best first. */
    public List<Standing> top(int k) {
        return entries.subList(0, Math.min(k, entries.size()));
    }

    /** Whether {@link #top} of {@code k} is the tournament's exact top K. */
    public boolean isComplete(int k) {
        return everyoneListed || entries.size() >= k;
    }

    public List<Standing> entries() {
        return entries;
    }

    public boolean everyoneListed() {
        return everyoneListed;
    }
}
