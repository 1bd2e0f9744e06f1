package dev.tally.loadgen.metrics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import dev.tally.loadgen.RecordCheck;
import dev.tally.loadgen.metrics.reference.BucketKey;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Each rollup's percentile sketch against its bucket's exact quantiles (the reference's sorted
 * samples): the sketch decodes, counts every sample, and gives each of {@link #QUANTILES} within the
 * relative accuracy the job's README promises of the sample at rank floor(q * (count - 1)). Buckets
 * missing or extra are the rollup comparisons' business; this checks the ones both sides have.
 */
final class SketchCheck {

    /** The job's README: any quantile within 1% of the exact value. */
    static final double RELATIVE_ACCURACY = 0.01;

    static final double[] QUANTILES = {0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1};

    private final String what;
    private final Map<BucketKey, ByteBuffer> sketches = new HashMap<>();

    SketchCheck(String what) {
        this.what = what;
    }

    void add(BucketKey bucket, ByteBuffer sketch) {
        sketches.put(bucket, sketch);
    }

    RecordCheck against(Map<BucketKey, double[]> samples) {
        RecordCheck.Builder check = new RecordCheck.Builder(what);
        sketches.forEach((bucket, encoded) -> {
            double[] sorted = samples.get(bucket);
            if (sorted != null) {
                String wrong = wrongQuantile(encoded, sorted);
                check.check(wrong == null, () -> bucket + ": " + wrong);
            }
        });
        return check.build();
    }

    /** What is wrong with the sketch, or null. */
    static String wrongQuantile(ByteBuffer encoded, double[] sorted) {
        if (encoded == null) {
            return "no sketch";
        }
        DDSketch sketch;
        try {
            byte[] bytes = new byte[encoded.remaining()];
            encoded.duplicate().get(bytes);
            sketch = DDSketch.decode(ByteArrayInput.wrap(bytes), UnboundedSizeDenseStore::new);
        } catch (Exception e) {
            return "does not decode: " + e;
        }
        if (sketch.getCount() != sorted.length) {
            return "counts " + sketch.getCount() + " values of " + sorted.length;
        }
        for (double q : QUANTILES) {
            double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
            double approximate = sketch.getValueAtQuantile(q);
            // A hair over the accuracy for the rounding of the sketch's logarithms.
            if (Math.abs(approximate - exact) > Math.abs(exact) * RELATIVE_ACCURACY * (1 + 1e-9)) {
                return "quantile " + q + " is " + approximate + ", exact " + exact;
            }
        }
        return null;
    }
}
