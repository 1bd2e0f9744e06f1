package dev.tally.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PointsBlockTest {

    private static final long MINUTE = 1_796_515_200_000L;

    /** The generator's shape: a sample every 10 s, values on a k/1024 grid. */
    @Test
    void aSteadySeriesRoundTripsInAFewBytesPerSample() {
        long[] ts = new long[6];
        double[] values = {0.5, 0.5, 0.75, 0.5009765625, 0.5009765625, 12.25};
        for (int i = 0; i < ts.length; i++) {
            ts[i] = MINUTE + 3_000 + i * 10_000L;
        }

        byte[] block = PointsBlock.encode(ts, values, ts.length);

        assertThat(PointsBlock.decode(block)).isEqualTo(new PointsBlock.Points(ts, values));
        // 17 bytes of count, first timestamp and value; then a few bits per timestamp and value.
        assertThat(block.length).isLessThan(40);
        // Six rows of a timestamp and a double each would be 96 bytes before Cassandra's own overhead.
        assertThat(block.length).isLessThan(6 * 16 / 2);
    }

    @Test
    void everyValuesBitsComeBackWhateverItIs() {
        double[] values = {
            -0.0,
            0.0,
            Double.NaN,
            Double.longBitsToDouble(0x7ff8_0000_0000_0001L),
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            -1e-300,
            1.0 / 3
        };
        long[] ts = new long[values.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = MINUTE + i * i * 997L;
        }

        PointsBlock.Points back = PointsBlock.decode(PointsBlock.encode(ts, values, values.length));

        assertThat(back.ts()).containsExactly(ts);
        for (int i = 0; i < values.length; i++) {
            assertThat(Double.doubleToRawLongBits(back.values()[i]))
                    .as("value %d", i)
                    .isEqualTo(Double.doubleToRawLongBits(values[i]));
        }
    }

    /** Deltas of every size: each of the five timestamp forms, both signs, and epochs far apart. */
    @Test
    void randomBlocksRoundTripExactly() {
        Random random = new Random(20261207);
        for (int block = 0; block < 2_000; block++) {
            int n = 1 + random.nextInt(40);
            long[] ts = new long[n];
            double[] values = new double[n];
            ts[0] = random.nextLong() >> (random.nextInt(4) * 8 + 2);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    long step = switch (random.nextInt(5)) {
                        case 0 -> 10_000;
                        case 1 -> 1 + random.nextInt(100);
                        case 2 -> 1 + random.nextInt(5_000);
                        case 3 -> 1 + random.nextInt(1_000_000);
                        default -> 1 + (random.nextLong() >>> 30);
                    };
                    ts[i] = ts[i - 1] + step;
                }
                values[i] = switch (random.nextInt(4)) {
                    case 0 -> i > 0 ? values[i - 1] : 1;
                    case 1 -> random.nextInt(100_000) / 1024.0;
                    case 2 -> Double.longBitsToDouble(random.nextLong());
                    default -> random.nextGaussian() * 1e6;
                };
            }

            byte[] bytes = PointsBlock.encode(ts, values, n);

            assertThat(PointsBlock.decode(bytes))
                    .as("block %d: %s", block, Arrays.toString(ts))
                    .isEqualTo(new PointsBlock.Points(ts, values));
            assertThat(PointsBlock.encode(ts, values, n)).isEqualTo(bytes);
        }
    }

    @Test
    void onlyTheFirstCountSamplesAreWritten() {
        long[] ts = {MINUTE, MINUTE + 1, MINUTE + 2};
        double[] values = {1, 2, 3};

        assertThat(PointsBlock.decode(PointsBlock.encode(ts, values, 2)).ts()).containsExactly(MINUTE, MINUTE + 1);
    }

    @Test
    void badBlocksAndBadSamplesAreRefused() {
        byte[] block = PointsBlock.encode(new long[] {MINUTE, MINUTE + 10_000}, new double[] {1, 2}, 2);

        assertThatThrownBy(() -> PointsBlock.decode(Arrays.copyOf(block, block.length - 2)))
                .hasMessageContaining("ends too soon");
        assertThatThrownBy(() -> PointsBlock.decode(new byte[0])).hasMessageContaining("ends too soon");
        assertThatThrownBy(() -> PointsBlock.decode(new byte[] {0})).hasMessageContaining("a count of 0");
        assertThatThrownBy(() -> PointsBlock.encode(new long[] {MINUTE, MINUTE}, new double[] {1, 2}, 2))
                .hasMessageContaining("must increase");
        assertThatThrownBy(() -> PointsBlock.encode(new long[0], new double[0], 0))
                .hasMessageContaining("at least one");
    }
}
