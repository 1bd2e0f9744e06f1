package dev.tally.jobs.metrics.functions;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The percentile sketches of the rollups: DDSketch with 1% relative accuracy, in its standard binary
 * encoding (readable by DataDog's libraries in other languages). Its bins are integer counts of
 * values, so building and merging give the same bytes in any order, and a replay, which does not
 * keep arrival order, writes the sketches the live job wrote. At most {@link #MAX_BINS} bins per
 * sign (a value range of about 10^17): a wider range folds its smallest magnitudes into one bin,
 * so one absurd value cannot make a sketch large.
 */
public final class ValueSketches {

    public static final double RELATIVE_ACCURACY = 0.01;
    public static final int MAX_BINS = 2048;

    private ValueSketches() {}

    public static DDSketch empty() {
        return DDSketches.collapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);
    }

    /** The encoded sketch of {@code count} values. */
    public static byte[] of(double[] values, int count) {
        DDSketch sketch = empty();
        for (int i = 0; i < count; i++) {
            sketch.accept(values[i]);
        }
        return encode(sketch);
    }

    public static DDSketch decode(byte[] encoded) {
        try {
            return DDSketch.decode(ByteArrayInput.wrap(encoded), () -> new CollapsingLowestDenseStore(MAX_BINS));
        } catch (IOException e) {
            throw new UncheckedIOException("not a DDSketch encoding", e);
        }
    }

    public static byte[] encode(DDSketch sketch) {
        GrowingByteArrayOutput output = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(output, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return output.trimmedCopy();
    }
}
