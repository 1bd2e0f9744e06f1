package dev.tally.loadgen.leaderboard;

import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The last {@code capacity} items the generator may pick a fault from at random (a record to re-send, a
 * match to correct): bounded, so a run of any length holds a fixed amount, and dropped from the oldest
 * end once they are too old for the fault.
 */
final class RecentRing<T> {

    private final Object[] items;
    private int head;
    private int size;

    RecentRing(int capacity) {
        items = new Object[capacity];
    }

    /** Adds an item, dropping the oldest when full. */
    void add(T item) {
        if (size == items.length) {
            removeOldest();
        }
        items[(head + size) % items.length] = item;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    T oldest() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return (T) items[head];
    }

    void removeOldest() {
        items[head] = null;
        head = (head + 1) % items.length;
        size--;
    }

    @SuppressWarnings("unchecked")
    T pick(SplittableRandom random) {
        return (T) items[(head + random.nextInt(size)) % items.length];
    }
}
