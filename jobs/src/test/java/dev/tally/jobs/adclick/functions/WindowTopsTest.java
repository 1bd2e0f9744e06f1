package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The first top-N stage's table: each subtask's best N per (filter, window size, window end). */
class WindowTopsTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = Minutes.MILLIS;

    @Test
    void drainsEachGroupOnceInWindowEndFilterAndSizeOrder() {
        WindowTops tops = new WindowTops(2);
        tops.offer(1, 1, T0 + 2 * MIN, "ad1", 1);
        tops.offer(0, 5, T0 + MIN, "ad1", 3);
        tops.offer(0, 1, T0 + MIN, "ad1", 3);
        tops.offer(0, 1, T0 + MIN, "ad2", 5);
        tops.offer(0, 1, T0 + MIN, "ad3", 4);
        tops.offer(0, 1, T0 + 2 * MIN, "ad9", 1);
        assertThat(tops.size()).isEqualTo(4);

        List<TopCandidates> drained = new ArrayList<>();
        tops.drain(drained::add);
        assertThat(drained)
                .containsExactly(
                        new TopCandidates(0, 1, T0 + MIN, List.of(new AdTotal("ad2", 5), new AdTotal("ad3", 4))),
                        new TopCandidates(0, 5, T0 + MIN, List.of(new AdTotal("ad1", 3))),
                        new TopCandidates(0, 1, T0 + 2 * MIN, List.of(new AdTotal("ad9", 1))),
                        new TopCandidates(1, 1, T0 + 2 * MIN, List.of(new AdTotal("ad1", 1))));
        assertThat(tops.size()).isZero();

        drained.clear();
        tops.drain(drained::add);
        assertThat(drained).isEmpty();
    }

    /**
     * Sums of many groups interleaved as the rolling sums offer them (one key's window sizes at one
     * window end, then the next key), with filters whose recently-used entries collide and drains
     * between offers: each group still gets exactly its own best N.
     */
    @Test
    void interleavedGroupsEachKeepTheirOwnBest() {
        WindowTops tops = new WindowTops(2);
        int[] filters = {0, 2, 64, 66}; // 0/64 and 2/66 share a recently-used entry
        int[] sizes = {1, 5, 60};
        Map<String, List<AdTotal>> expected = new TreeMap<>();
        Map<String, List<AdTotal>> drained = new TreeMap<>();
        Random random = new Random(7);
        for (int end = 1; end <= 8; end++) {
            long windowEnd = T0 + end * MIN;
            for (int ad = 0; ad < 30; ad++) {
                int filter = filters[random.nextInt(filters.length)];
                for (int size : sizes) {
                    long count = 1 + random.nextInt(50);
                    tops.offer(filter, size, windowEnd, "ad" + ad, count);
                    expected.computeIfAbsent(filter + "/" + size + "/" + end, g -> new ArrayList<>())
                            .add(new AdTotal("ad" + ad, count));
                }
            }
            if (end % 3 == 0 || end == 8) {
                tops.drain(c -> {
                    String group = c.filterId + "/" + c.windowMinutes + "/" + (c.windowEnd - T0) / MIN;
                    assertThat(drained.put(group, c.ads))
                            .as("group %s drained once", group)
                            .isNull();
                });
            }
        }
        expected.replaceAll((group, offers) -> {
            List<AdTotal> best = new ArrayList<>(offers);
            best.sort(TopNOrder.INSTANCE);
            return best.subList(0, Math.min(2, best.size()));
        });
        assertThat(drained).isEqualTo(expected);
        assertThat(tops.size()).isZero();
    }

    @Test
    void rejectsNonPositiveN() {
        assertThatThrownBy(() -> new WindowTops(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top N size must be at least 1, got 0");
    }
}
