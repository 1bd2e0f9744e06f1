package dev.tally.jobs.metrics;

import java.util.Arrays;

/**
 * A series' samples of one minute in one blob, as Gorilla (Facebook's in-memory time series store,
 * the books' encoding) packs them: timestamps as delta-of-deltas, values as the XOR with the previous
 * value. A series sampled at a steady interval costs one bit per timestamp and, where its value does not
 * change, one bit per value; a minute of 6 samples takes 17 to 60 bytes instead of 6 rows.
 *
 * <p>Layout, bits most significant first: the sample count (varint bytes), the first timestamp (64 bits,
 * epoch milliseconds) and value (64 bits, IEEE 754), then for each further sample:
 *
 * <ul>
 *   <li>its delta-of-delta D (delta: this timestamp minus the previous; the first delta's previous is 0):
 *       {@code 0} when D is 0; {@code 10} and 7 bits, {@code 110} and 12 bits, {@code 1110} and 20 bits
 *       (two's complement) when D fits in them; else {@code 1111} and 64 bits;
 *   <li>its value's XOR X with the previous value's bits: {@code 0} when X is 0; {@code 10} and the
 *       meaningful bits of X when they lie inside the previous meaningful window; else {@code 11}, 6 bits
 *       of leading zeros, 6 bits of the meaningful length - 1, and the meaningful bits.
 * </ul>
 *
 * The encoding is exact (every value's bits come back) and the same samples always give the same bytes.
 * No Flink class is touched here: the job writes blocks, the verifier and the query API read them.
 */
public final class PointsBlock {

    /** Samples in timestamp order. */
    public record Points(long[] ts, double[] values) {

        public int size() {
            return ts.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Points p && Arrays.equals(ts, p.ts) && Arrays.equals(values, p.values);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(ts) + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < ts.length; i++) {
                s.append(i == 0 ? "" : ", ").append(ts[i]).append('=').append(values[i]);
            }
            return s.append(']').toString();
        }
    }

    private PointsBlock() {}

    /** The block of the first {@code count} samples, timestamps strictly increasing; at least one. */
    public static byte[] encode(long[] ts, double[] values, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("A block holds at least one sample");
        }
        BitWriter out = new BitWriter(16 + count * 4);
        int left = count;
        while ((left & ~0x7F) != 0) {
            out.write((left & 0x7F) | 0x80, 8);
            left >>>= 7;
        }
        out.write(left, 8);
        out.write(ts[0], 64);
        long previousBits = Double.doubleToRawLongBits(values[0]);
        out.write(previousBits, 64);
        long previousTs = ts[0];
        long previousDelta = 0;
        int leading = -1;
        int trailing = 0;
        for (int i = 1; i < count; i++) {
            if (ts[i] <= previousTs) {
                throw new IllegalArgumentException("Timestamps must increase: " + ts[i] + " after " + previousTs);
            }
            long delta = ts[i] - previousTs;
            long dod = delta - previousDelta;
            if (dod == 0) {
                out.write(0, 1);
            } else if (fits(dod, 7)) {
                out.write(0b10, 2);
                out.write(dod, 7);
            } else if (fits(dod, 12)) {
                out.write(0b110, 3);
                out.write(dod, 12);
            } else if (fits(dod, 20)) {
                out.write(0b1110, 4);
                out.write(dod, 20);
            } else {
                out.write(0b1111, 4);
                out.write(dod, 64);
            }
            previousDelta = delta;
            previousTs = ts[i];

            long bits = Double.doubleToRawLongBits(values[i]);
            long xor = bits ^ previousBits;
            previousBits = bits;
            if (xor == 0) {
                out.write(0, 1);
                continue;
            }
            int lead = Long.numberOfLeadingZeros(xor);
            int trail = Long.numberOfTrailingZeros(xor);
            if (leading >= 0 && lead >= leading && trail >= trailing) {
                out.write(0b10, 2);
                out.write(xor >>> trailing, 64 - leading - trailing);
            } else {
                leading = lead;
                trailing = trail;
                int meaningful = 64 - lead - trail;
                out.write(0b11, 2);
                out.write(lead, 6);
                out.write(meaningful - 1, 6);
                out.write(xor >>> trail, meaningful);
            }
        }
        return out.toByteArray();
    }

    /** The samples of a block written by {@link #encode}; a block cut short or of another shape is refused. */
    public static Points decode(byte[] block) {
        BitReader in = new BitReader(block);
        int count = 0;
        for (int shift = 0; ; shift += 7) {
            int b = (int) in.read(8);
            count |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            if (shift > 21) {
                throw new IllegalArgumentException("Not a points block: its count is too long");
            }
        }
        if (count < 1 || count > block.length * 8) {
            throw new IllegalArgumentException("Not a points block: a count of " + count);
        }
        long[] ts = new long[count];
        double[] values = new double[count];
        ts[0] = in.read(64);
        long previousBits = in.read(64);
        values[0] = Double.longBitsToDouble(previousBits);
        long previousDelta = 0;
        int leading = -1;
        int trailing = 0;
        for (int i = 1; i < count; i++) {
            long dod;
            if (in.read(1) == 0) {
                dod = 0;
            } else if (in.read(1) == 0) {
                dod = signed(in.read(7), 7);
            } else if (in.read(1) == 0) {
                dod = signed(in.read(12), 12);
            } else if (in.read(1) == 0) {
                dod = signed(in.read(20), 20);
            } else {
                dod = in.read(64);
            }
            previousDelta += dod;
            ts[i] = ts[i - 1] + previousDelta;

            if (in.read(1) == 1) {
                if (in.read(1) == 0) {
                    if (leading < 0) {
                        throw new IllegalArgumentException("Not a points block: a value reuses no window");
                    }
                } else {
                    leading = (int) in.read(6);
                    trailing = 64 - leading - ((int) in.read(6) + 1);
                    if (trailing < 0) {
                        throw new IllegalArgumentException("Not a points block: a window past 64 bits");
                    }
                }
                previousBits ^= in.read(64 - leading - trailing) << trailing;
            }
            values[i] = Double.longBitsToDouble(previousBits);
        }
        return new Points(ts, values);
    }

    private static boolean fits(long value, int bits) {
        long half = 1L << (bits - 1);
        return value >= -half && value < half;
    }

    private static long signed(long value, int bits) {
        return (value << (64 - bits)) >> (64 - bits);
    }

    private static final class BitWriter {
        private byte[] bytes;
        private int bitLength;

        BitWriter(int capacity) {
            bytes = new byte[capacity];
        }

        /** The low {@code bits} bits of {@code value}, most significant first. */
        void write(long value, int bits) {
            for (int i = bits - 1; i >= 0; i--) {
                if (bitLength == bytes.length * 8) {
                    bytes = Arrays.copyOf(bytes, bytes.length * 2);
                }
                if (((value >>> i) & 1) != 0) {
                    bytes[bitLength >>> 3] |= (byte) (0x80 >>> (bitLength & 7));
                }
                bitLength++;
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, (bitLength + 7) >>> 3);
        }
    }

    private static final class BitReader {
        private final byte[] bytes;
        private int position;

        BitReader(byte[] bytes) {
            this.bytes = bytes;
        }

        long read(int bits) {
            if (position + bits > bytes.length * 8) {
                throw new IllegalArgumentException("Not a points block: it ends too soon");
            }
            long value = 0;
            for (int i = 0; i < bits; i++) {
                value = (value << 1) | ((bytes[position >>> 3] >>> (7 - (position & 7))) & 1);
                position++;
            }
            return value;
        }
    }
}
