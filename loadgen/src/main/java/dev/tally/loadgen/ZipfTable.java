package dev.tally.loadgen;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Samples ranks 0..n-1 with Zipf probabilities (rank r has weight 1/(r+1)^s) from a precomputed CDF. */
public final class ZipfTable {

    private final double[] cdf;

    public ZipfTable(int n, double exponent) {
        cdf = new double[n];
        double sum = 0;
        for (int r = 0; r < n; r++) {
            sum += 1.0 / Math.pow(r + 1, exponent);
            cdf[r] = sum;
        }
        for (int r = 0; r < n; r++) {
            cdf[r] /= sum;
        }
    }

    public int sample(SplittableRandom random) {
        int index = Arrays.binarySearch(cdf, random.nextDouble());
        return Math.min(index >= 0 ? index : -index - 1, cdf.length - 1);
    }
}
