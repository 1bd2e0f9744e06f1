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
 * when it is over capacity), a listed player who falls behind the last leaves (who would be next is
 * unknown), and the last entry that scores again stays, wherever it then ranks. Scores only grow
 * except by corrections, so the margin above K absorbs those.
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
        Standing before = remove(player.userId);
        int at = Collections.binarySearch(entries, player, Standing.DISPLAY_ORDER);
        int insertion = at >= 0 ? at : -at - 1;
        // Behind the last entry only a listed player who did not fall may stay: everyone outside
        // ranked after where he was, so after where he is. (The last entry scoring again without
        // passing the one before it used to leave, and the list shrank at its tail.)
        if (!everyoneListed
                && insertion >= entries.size()
                && (before == null || Standing.DISPLAY_ORDER.compare(player, before) > 0)) {
            return before != null;
        }
        entries.add(insertion, player);
        if (entries.size() > capacity) {
            entries.remove(entries.size() - 1);
            everyoneListed = false;
        }
        return true;
    }

    /** Takes {@code userId}'s entry out of the list: the entry, or null if not listed. */
    private Standing remove(String userId) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).userId.equals(userId)) {
                return entries.remove(i);
            }
        }
        return null;
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
