package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Completing the next window end's lists from the best partial sums and the closing minute: which
 * keys' partial sums are read from the state, and what the lists hold.
 */
class NextWindowTopsTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = Minutes.MILLIS;
    /** The window end completed: minutes 0-4 are closed and stored, minute 5 closes. */
    private static final long END = T0 + 6 * MIN;

    private final Map<AdFilterKey, long[]> state = new HashMap<>();
    private final List<AdFilterKey> reads = new ArrayList<>();
    private final OpenMinuteCounts<AdFilterKey> open = OpenMinuteCounts.ofAdFilterKeys();
    private long readsReported;

    @Test
    void readsOnlyAClosingKeyWhoseBoundCouldEnterAList() throws Exception {
        NextWindowTops next = new NextWindowTops(2, END, new int[] {1, 5});
        walked(next, "ad1", 10); // kept
        walked(next, "ad2", 8); // kept; the worst kept partial sum is 8
        walked(next, "ad3", 3); // turned away
        walked(next, "ad4", 2); // turned away
        closing("ad3", 20); // 8 + 20 could enter: its partial sum is read, 3 + 20
        closing("ad4", 1); // 8 + 1 cannot beat ad1's 10, the least a list holds: not read
        closing("ad5", 16); // a new key, 8 + 16 could beat even ad3's 23: read, none stored, so 0 + 16
        closing("ad2", 1); // kept: 8 + 1, from the heap

        List<TopCandidates> lists = complete(next, 1);

        assertThat(reads).containsExactlyInAnyOrder(key("ad3"), key("ad5"));
        assertThat(readsReported).isEqualTo(2);
        assertThat(lists)
                .containsExactly(
                        new TopCandidates(0, 1, END, List.of(ad("ad3", 20))),
                        new TopCandidates(0, 5, END, List.of(ad("ad3", 23))));
    }

    @Test
    void aListThatKeptFewerThanItCouldHoldsEveryPartialSumSoNothingIsRead() throws Exception {
        NextWindowTops next = new NextWindowTops(3, END, new int[] {5});
        walked(next, "ad1", 4);
        closing("ad2", 3); // not kept while there was room: its partial sum is 0
        closing("ad1", 1);

        List<TopCandidates> lists = complete(next, 2);

        assertThat(reads).isEmpty();
        assertThat(lists).containsExactly(new TopCandidates(0, 5, END, List.of(ad("ad1", 5), ad("ad2", 3))));
    }

    @Test
    void aRaisedPartialSumEntersAndPushesTheWorstOut() throws Exception {
        NextWindowTops next = new NextWindowTops(1, END, new int[] {5});
        walked(next, "ad1", 5);
        walked(next, "ad2", 4); // turned away
        state.put(key("ad2"), counts(7));
        next.raise(key("ad2"), counts(7)); // a late partial: ad2 now 7, ad1 is turned away
        closing("ad3", 1);

        List<TopCandidates> lists = complete(next, 1);

        assertThat(lists).containsExactly(new TopCandidates(0, 5, END, List.of(ad("ad2", 7))));
    }

    @Test
    void withoutAClosingMinuteTheListsAreTheKeptPartialSums() throws Exception {
        NextWindowTops next = new NextWindowTops(2, END, new int[] {1, 5});
        walked(next, "ad1", 4);
        walked(next, "ad2", 6);

        WindowTops lists = new WindowTops(2);
        assertThat(next.complete(null, k -> null, lists)).isZero();
        List<TopCandidates> drained = new ArrayList<>();
        lists.drain(drained::add);

        assertThat(drained).containsExactly(new TopCandidates(0, 5, END, List.of(ad("ad2", 6), ad("ad1", 4))));
    }

    /** The walk's offer of a key of filter 0 whose stored counts sum to {@code sum} in minute 4. */
    private void walked(NextWindowTops next, String adId, long sum) {
        long[] counts = counts(sum);
        state.put(key(adId), counts);
        next.offer(key(adId), counts);
    }

    private void closing(String adId, long count) {
        open.add(END - MIN, key(adId), count);
    }

    private List<TopCandidates> complete(NextWindowTops next, int n) throws Exception {
        WindowTops lists = new WindowTops(n);
        readsReported = next.complete(
                open.pollEarliest().getValue(),
                key -> {
                    reads.add(key);
                    return state.get(key);
                },
                lists);
        List<TopCandidates> drained = new ArrayList<>();
        lists.drain(drained::add);
        return drained;
    }

    private static long[] counts(long sumInMinute4) {
        return MinuteCounts.put(MinuteCounts.of(T0 + MIN), T0 + 4 * MIN, sumInMinute4);
    }

    private static AdFilterKey key(String adId) {
        return new AdFilterKey(adId, 0);
    }

    private static AdTotal ad(String adId, long count) {
        return new AdTotal(adId, count);
    }
}
