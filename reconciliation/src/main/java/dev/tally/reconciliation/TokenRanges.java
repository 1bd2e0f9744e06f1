package dev.tally.reconciliation;

import java.util.ArrayList;
import java.util.List;

/**
 * The Murmur3 token ring (-2^63, 2^63 - 1] cut into equal ranges, so a comparison holds one range of
 * each table in memory at a time, whatever the table's size.
 */
final class TokenRanges {

    /** (start, end]: bind start exclusive, end inclusive. */
    record Range(long start, long end) {}

    private TokenRanges() {}

    /** {@code splits} ranges, a power of two from 1 to 2^20, covering every token. */
    static List<Range> split(int splits) {
        if (splits < 1 || splits > (1 << 20) || Integer.bitCount(splits) != 1) {
            throw new IllegalArgumentException("--splits must be a power of two from 1 to 1048576, was " + splits);
        }
        long step = splits == 1 ? 0 : 1L << (64 - Integer.numberOfTrailingZeros(splits));
        List<Range> ranges = new ArrayList<>(splits);
        long start = Long.MIN_VALUE;
        for (int i = 0; i < splits; i++) {
            long end = i == splits - 1 ? Long.MAX_VALUE : start + step;
            ranges.add(new Range(start, end));
            start = end;
        }
        return ranges;
    }
}
