package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyGroupAnchorsTest {

    @ParameterizedTest
    @CsvSource({"128, 0, 127", "128, 64, 127", "4096, 0, 4095", "32768, 16384, 32767"})
    void everyGroupOfTheRangeHasAnAnchorInThatGroup(int maxParallelism, int start, int end) {
        KeyGroupRange range = new KeyGroupRange(start, end);
        KeyGroupAnchors anchors = KeyGroupAnchors.of(range, maxParallelism);
        for (int group : range) {
            assertThat(KeyGroupRangeAssignment.assignToKeyGroup(anchors.forGroup(group), maxParallelism))
                    .isEqualTo(group);
        }
    }

    @Test
    void aKeysAnchorIsInItsGroupAndTheSameAfterARestore() {
        KeyGroupAnchors anchors = KeyGroupAnchors.of(new KeyGroupRange(0, 127), 128);
        KeyGroupAnchors half = KeyGroupAnchors.of(new KeyGroupRange(64, 127), 128);
        for (int i = 0; i < 1_000; i++) {
            AdFilterKey key = new AdFilterKey("ad" + i, i % 4);
            int group = KeyGroupRangeAssignment.assignToKeyGroup(key, 128);
            assertThat(KeyGroupRangeAssignment.assignToKeyGroup(anchors.of(key), 128))
                    .isEqualTo(group);
            if (group >= 64) {
                assertThat(half.of(key)).isEqualTo(anchors.of(key));
            }
        }
    }

    @Test
    void refusesAKeyOfAnotherSubtask() {
        KeyGroupAnchors anchors = KeyGroupAnchors.of(new KeyGroupRange(0, 63), 128);
        assertThatThrownBy(() -> anchors.forGroup(64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key group 64 is not in");
    }
}
