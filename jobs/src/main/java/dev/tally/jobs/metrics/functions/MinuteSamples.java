package dev.tally.jobs.metrics.functions;

import java.util.Arrays;

/**
 * One series' samples of one minute, in timestamp order, and the values refused for their
 * timestamps. Of the points of one timestamp the smallest value is the sample, whatever order they
 * came in: a replay in BATCH mode, which does not keep arrival order, keeps the same one. A POJO kept
 * in keyed state until the minute's allowed lateness has passed.
 */
public final class MinuteSamples {

    /** What adding a point did. */
    public enum Outcome {
        /** A new sample: the minute changed. */
        ADDED,
        /** The same value again; the minute changed only if the point made its sample a counter's. */
        DUPLICATE,
        /** A smaller value replaced the sample, whose value is now refused: the minute changed. */
        REPLACED,
        /** A larger value than the sample's: refused. */
        REFUSED,
        /** A value refused before: nothing changed. */
        REFUSED_AGAIN
    }

    public long[] ts = new long[0];
    public double[] values = new double[0];
    public boolean[] counters = new boolean[0];
    public long[] refusedTs = new long[0];
    public double[] refusedValues = new double[0];

    /** The value a {@link Outcome#REPLACED} point displaced: it is refused now. */
    public transient double displaced;

    /** A flag, set by {@link #add}, that the minute's rollup changed. */
    public transient boolean changed;

    /** The sample's value at {@code pointTs}, which must have one. */
    public double sampleAt(long pointTs) {
        return values[Arrays.binarySearch(ts, pointTs)];
    }

    public int size() {
        return ts.length;
    }

    public Outcome add(long pointTs, double value, boolean counter) {
        changed = false;
        int at = Arrays.binarySearch(ts, pointTs);
        if (at < 0) {
            int insert = -at - 1;
            ts = insert(ts, insert, pointTs);
            values = insert(values, insert, value);
            counters = insert(counters, insert, counter);
            changed = true;
            return Outcome.ADDED;
        }
        int order = Double.compare(value, values[at]);
        if (order == 0) {
            if (counter && !counters[at]) {
                counters[at] = true;
                changed = true;
            }
            return Outcome.DUPLICATE;
        }
        if (order < 0) {
            displaced = values[at];
            refuse(pointTs, displaced);
            values[at] = value;
            counters[at] = counter;
            changed = true;
            return Outcome.REPLACED;
        }
        if (isRefused(pointTs, value)) {
            return Outcome.REFUSED_AGAIN;
        }
        refuse(pointTs, value);
        return Outcome.REFUSED;
    }

    private boolean isRefused(long pointTs, double value) {
        for (int i = 0; i < refusedTs.length; i++) {
            if (refusedTs[i] == pointTs && Double.compare(refusedValues[i], value) == 0) {
                return true;
            }
        }
        return false;
    }

    private void refuse(long pointTs, double value) {
        refusedTs = Arrays.copyOf(refusedTs, refusedTs.length + 1);
        refusedValues = Arrays.copyOf(refusedValues, refusedValues.length + 1);
        refusedTs[refusedTs.length - 1] = pointTs;
        refusedValues[refusedValues.length - 1] = value;
    }

    private static long[] insert(long[] array, int at, long value) {
        long[] grown = new long[array.length + 1];
        System.arraycopy(array, 0, grown, 0, at);
        grown[at] = value;
        System.arraycopy(array, at, grown, at + 1, array.length - at);
        return grown;
    }

    private static double[] insert(double[] array, int at, double value) {
        double[] grown = new double[array.length + 1];
        System.arraycopy(array, 0, grown, 0, at);
        grown[at] = value;
        System.arraycopy(array, at, grown, at + 1, array.length - at);
        return grown;
    }

    private static boolean[] insert(boolean[] array, int at, boolean value) {
        boolean[] grown = new boolean[array.length + 1];
        System.arraycopy(array, 0, grown, 0, at);
        grown[at] = value;
        System.arraycopy(array, at, grown, at + 1, array.length - at);
        return grown;
    }
}
