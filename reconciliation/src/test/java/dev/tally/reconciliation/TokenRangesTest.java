package dev.tally.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenRangesTest {

    @Test
    void rangesCoverTheWholeRingWithoutGapsOrOverlaps() {
        for (int splits : new int[] {1, 2, 64, 1 << 20}) {
            List<TokenRanges.Range> ranges = TokenRanges.split(splits);
            assertThat(ranges).hasSize(splits);
            assertThat(ranges.get(0).start()).isEqualTo(Long.MIN_VALUE);
            assertThat(ranges.get(splits - 1).end()).isEqualTo(Long.MAX_VALUE);
            for (int i = 1; i < splits; i++) {
                assertThat(ranges.get(i).start()).isEqualTo(ranges.get(i - 1).end());
                assertThat(ranges.get(i).end()).isGreaterThan(ranges.get(i).start());
            }
        }
        assertThat(TokenRanges.split(2).get(0).end()).isEqualTo(0L);
    }

    @Test
    void refusesSplitsThatAreNoPowerOfTwo() {
        assertThatThrownBy(() -> TokenRanges.split(48)).hasMessageContaining("--splits");
        assertThatThrownBy(() -> TokenRanges.split(0)).hasMessageContaining("--splits");
    }
}
