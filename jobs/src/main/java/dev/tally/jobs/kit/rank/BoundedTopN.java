package dev.tally.jobs.kit.rank;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The best {@code n} entries offered so far under one order, in O(log n) per offer; not thread-safe.
 * The first stage of every two-stage top N (ads per window, products per category, players per
 * tournament): each subtask keeps its best n, a single subtask then {@link #merge merges} them.
 *
 * <p>A job whose candidates are cheap to compare but costly to make can subclass it and test {@link
 * #worstIfFull()} before making one, as most candidates do not enter.
 *
 * @param <T> an entry: a key and what it is ranked by
 */
public class BoundedTopN<T> {

    private final int n;
    private final Comparator<? super T> bestFirst;

    /** Worst first, so the entry to evict is always at the head. */
    private final PriorityQueue<T> worstFirst;

    /**
     * @param bestFirst the ranking: negative when the first argument ranks before the second; it must
     *     be total (no two different keys equal), or ties would be broken by arrival order
     */
    public BoundedTopN(int n, Comparator<? super T> bestFirst) {
        this.n = checkSize(n);
        this.bestFirst = bestFirst;
        this.worstFirst = new PriorityQueue<>(Math.min(n, 1024) + 1, bestFirst.reversed());
    }

    public void offer(T candidate) {
        if (worstFirst.size() < n) {
            worstFirst.add(candidate);
        } else if (bestFirst.compare(candidate, worstFirst.peek()) < 0) {
            worstFirst.poll();
            worstFirst.add(candidate);
        }
    }

    /** Whether {@code candidate} would enter: there is room, or it ranks before the worst entry. */
    public boolean wouldEnter(T candidate) {
        T worst = worstIfFull();
        return worst == null || bestFirst.compare(candidate, worst) < 0;
    }

    /**
     * Offers {@code candidate} in place of the entry of the same key, if it holds one and the candidate
     * ranks before it (a key's total that grew); else offers it. O(n), for the rare caller.
     */
    public void raise(T candidate, BiPredicate<? super T, ? super T> sameKey) {
        for (Iterator<T> it = worstFirst.iterator(); it.hasNext(); ) {
            T held = it.next();
            if (sameKey.test(held, candidate)) {
                if (bestFirst.compare(candidate, held) >= 0) {
                    return;
                }
                it.remove();
                worstFirst.add(candidate);
                return;
            }
        }
        offer(candidate);
    }

    /** Whether it holds n entries, so that everything it turned away ranks after {@link #worst}. */
    public boolean isFull() {
        return worstFirst.size() >= n;
    }

    /** The entry that ranks last, or null when empty. */
    public T worst() {
        return worstFirst.peek();
    }

    /** The entry a candidate must rank before to enter, or null when there is room. */
    protected final T worstIfFull() {
        return worstFirst.size() < n ? null : worstFirst.peek();
    }

    /** The entries in no particular order; not to be changed. */
    public Collection<T> entries() {
        return worstFirst;
    }

    /** Best first; an ArrayList, which is what Flink's list serializer restores. */
    public ArrayList<T> sorted() {
        ArrayList<T> best = new ArrayList<>(worstFirst);
        best.sort(bestFirst);
        return best;
    }

    /**
     * The best {@code n} of several subtasks' lists, best first. A key listed more than once keeps its
     * best-ranked entry: the lists hold totals (each subtask's view of a whole window or score), never
     * partials to add.
     */
    public static <T, K> List<T> merge(
            int n,
            Comparator<? super T> bestFirst,
            Function<? super T, K> keyOf,
            Collection<? extends Collection<T>> lists) {
        Map<K, T> byKey = new HashMap<>();
        for (Collection<T> list : lists) {
            for (T entry : list) {
                byKey.merge(keyOf.apply(entry), entry, (a, b) -> bestFirst.compare(a, b) <= 0 ? a : b);
            }
        }
        BoundedTopN<T> top = new BoundedTopN<>(n, bestFirst);
        for (T entry : byKey.values()) {
            top.offer(entry);
        }
        return top.sorted();
    }

    public static int checkSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("top N size must be at least 1, got " + n);
        }
        return n;
    }
}
