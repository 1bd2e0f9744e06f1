package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The packed per-key state of RollingWindowSums: next window end, then sorted (minute, count). */
class MinuteCountsTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = Minutes.MILLIS;
    private static final long END = T0 + 7 * MIN;

    @Test
    void startsWithTheNextWindowEndAndNoMinute() {
        long[] counts = MinuteCounts.of(END);
        assertThat(counts).containsExactly(END);
        assertThat(MinuteCounts.nextWindowEnd(counts)).isEqualTo(END);
        assertThat(MinuteCounts.isEmpty(counts)).isTrue();
        assertThat(MinuteCounts.size(counts)).isZero();
        assertThat(MinuteCounts.sum(counts, Long.MIN_VALUE, Long.MAX_VALUE)).isZero();
        assertThatThrownBy(() -> MinuteCounts.earliestMinute(counts)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aNewMinuteIsInsertedInMinuteOrder() {
        long[] counts = MinuteCounts.put(MinuteCounts.of(END), m(3), 30);
        counts = MinuteCounts.put(counts, m(5), 50); // after the last
        counts = MinuteCounts.put(counts, m(1), 10); // before the first
        counts = MinuteCounts.put(counts, m(4), 40); // in between
        assertThat(counts).containsExactly(END, m(1), 10, m(3), 30, m(4), 40, m(5), 50);
        assertThat(MinuteCounts.size(counts)).isEqualTo(4);
        assertThat(MinuteCounts.isEmpty(counts)).isFalse();
        assertThat(MinuteCounts.earliestMinute(counts)).isEqualTo(m(1));
        assertThat(MinuteCounts.get(counts, m(4))).isEqualTo(40);
        assertThat(MinuteCounts.get(counts, m(2))).isZero();
    }

    @Test
    void aRepeatedMinuteReplacesItsCount() {
        long[] counts = counts(m(1), 10, m(3), 30, m(5), 50);
        long[] replaced = MinuteCounts.put(counts, m(3), 33);
        assertThat(replaced).containsExactly(END, m(1), 10, m(3), 33, m(5), 50);
        assertThat(MinuteCounts.put(replaced, m(3), 33)).isSameAs(replaced);
    }

    @Test
    void removeBeforeDropsTheEarlierMinutesAndKeepsTheNextWindowEnd() {
        long[] counts = counts(m(1), 10, m(3), 30, m(5), 50);
        assertThat(MinuteCounts.removeBefore(counts, m(1))).isSameAs(counts);
        assertThat(MinuteCounts.removeBefore(counts, m(2))).containsExactly(END, m(3), 30, m(5), 50);
        assertThat(MinuteCounts.removeBefore(counts, m(3))).containsExactly(END, m(3), 30, m(5), 50);
        assertThat(MinuteCounts.removeBefore(counts, m(5))).containsExactly(END, m(5), 50);
        assertThat(MinuteCounts.removeBefore(counts, m(6))).containsExactly(END);
    }

    @Test
    void sumCoversTheMinutesFromInclusiveToExclusive() {
        long[] counts = counts(m(0), 3, m(1), 2, m(3), 4, m(9), 100);
        // Window end 4 (the minutes before minute 4) for sizes 1, 5 and 60.
        assertThat(MinuteCounts.sum(counts, m(3), m(4))).isEqualTo(4);
        assertThat(MinuteCounts.sum(counts, m(-1), m(4))).isEqualTo(9);
        assertThat(MinuteCounts.sum(counts, m(-56), m(4))).isEqualTo(9);
        // A window holding no count, and one ending at a held minute, which it excludes.
        assertThat(MinuteCounts.sum(counts, m(2), m(3))).isZero();
        assertThat(MinuteCounts.sum(counts, m(0), m(9))).isEqualTo(9);
        assertThat(MinuteCounts.sum(counts, m(0), m(10))).isEqualTo(109);
    }

    @Test
    void withNextWindowEndChangesOnlyTheHeader() {
        long[] counts = counts(m(1), 10, m(3), 30);
        long later = END + MIN;
        assertThat(MinuteCounts.withNextWindowEnd(counts, later)).containsExactly(later, m(1), 10, m(3), 30);
        assertThat(MinuteCounts.withNextWindowEnd(counts, END)).isSameAs(counts);
    }

    @Test
    void noMethodChangesItsArgument() {
        long[] counts = counts(m(1), 10, m(3), 30);
        long[] copy = counts.clone();
        MinuteCounts.put(counts, m(2), 20);
        MinuteCounts.put(counts, m(3), 33);
        MinuteCounts.removeBefore(counts, m(3));
        MinuteCounts.withNextWindowEnd(counts, END + MIN);
        assertThat(counts).containsExactly(copy);
    }

    private static long m(int minute) {
        return T0 + minute * MIN;
    }

    /** The given (minute, count) pairs, in order, with next window end END. */
    private static long[] counts(long... minuteCountPairs) {
        long[] counts = MinuteCounts.of(END);
        for (int i = 0; i < minuteCountPairs.length; i += 2) {
            counts = MinuteCounts.put(counts, minuteCountPairs[i], minuteCountPairs[i + 1]);
        }
        return counts;
    }
}
