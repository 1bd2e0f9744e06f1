package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the latency report words a histogram, including one that nothing was recorded in. */
class BenchStatsTest {

    @Test
    void describesMedianP99AndMaxInWholeMilliseconds() {
        assertThat(new BenchCommand.Stats(17_157.4, 17_228.6, 20_485.0).describe())
                .isEqualTo("median 17157 ms, p99 17229 ms, max 20485 ms");
    }

    @Test
    void saysNoneEmittedRatherThanNaN() {
        assertThat(new BenchCommand.Stats(Double.NaN, Double.NaN, Double.NaN).describe())
                .isEqualTo("none emitted");
    }
}
