package dev.tally.jobs.adclick.functions;

import com.carrotsearch.hppc.IntHashSet;
import com.carrotsearch.hppc.IntIntHashMap;

/**
 * The click ids one dedup subtask remembers, as a multiset of 32-bit fingerprints on the heap. An
 * absent fingerprint proves an id new without a state lookup, which is the common case; a present
 * one may belong to another id, so the caller then looks the id up in state.
 *
 * <p>A multiset, so that forgetting one id never forgets another with the same fingerprint: the
 * caller adds each remembered id once and removes each forgotten id once. It takes 5 to 11 bytes of
 * heap per id (hppc's open addressing: 4-byte slots, at most 75% full, doubled when full). Not
 * checkpointed: the operator rebuilds it from its keyed state on restore.
 */
final class ClickIdFingerprints {

    /** Every fingerprint held, once. */
    private final IntHashSet held = new IntHashSet();

    /** How many more ids share a fingerprint: rare, as a 32-bit fingerprint seldom collides. */
    private final IntIntHashMap sharedBy = new IntIntHashMap();

    private long size;

    /** False only if no id with {@code clickId}'s fingerprint is held. */
    boolean mightContain(String clickId) {
        return held.contains(fingerprint(clickId));
    }

    void add(String clickId) {
        int fingerprint = fingerprint(clickId);
        if (!held.add(fingerprint)) {
            sharedBy.addTo(fingerprint, 1);
        }
        size++;
    }

    /** Removes one id added before; removing an id that was not added may hide another. */
    void remove(String clickId) {
        int fingerprint = fingerprint(clickId);
        int others = sharedBy.getOrDefault(fingerprint, 0);
        if (others > 1) {
            sharedBy.put(fingerprint, others - 1);
        } else if (others == 1) {
            sharedBy.remove(fingerprint);
        } else if (!held.remove(fingerprint)) {
            throw new IllegalStateException("click id " + clickId + " was not remembered");
        }
        size--;
    }

    /** Ids held, counting each added id once. */
    long size() {
        return size;
    }

    /** Deterministic across JVMs, so that fingerprints rebuilt after a restore match. */
    private static int fingerprint(String clickId) {
        return clickId.hashCode();
    }
}
