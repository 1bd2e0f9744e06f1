package dev.tally.jobs.metrics.functions;

import dev.tally.schema.metrics.MetricRollup;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The series index's rows, from the minute rollups: a series' own row and one per label, once per
 * series and UTC day it has data in, so the dashboard finds the series of a name or of a label value
 * by reading one partition (SPEC section 2: label filters without scans).
 *
 * <p>Which series were indexed for which day is remembered in memory only, per subtask, for at most
 * {@link #REMEMBERED} series (the least recently seen forgotten first): forgetting one, or a restart,
 * only writes its rows again. The rows are the same whenever they are written, and the write for the
 * later day wins in Cassandra ({@code MetricsTables.SERIES}), so how often a row is written never changes what
 * the index says. A minute of a day older than the one remembered writes nothing: the newer day's rows
 * outlive it.
 */
public final class IndexSeries extends RichFlatMapFunction<MetricRollup, SeriesIndexEntry> {

    /** About 60 MB of keys per subtask at most; a larger fleet's series cost a rewrite when they return. */
    static final int REMEMBERED = 250_000;

    private transient Map<String, Long> indexedDay;

    @Override
    public void open(OpenContext openContext) {
        indexedDay = new LinkedHashMap<>(1 << 16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    @Override
    public void flatMap(MetricRollup rollup, Collector<SeriesIndexEntry> out) {
        if (!rollup.getResolution().equals(RollupSeries.MINUTE)) {
            return;
        }
        String key = rollup.getSeriesKey();
        long day = SeriesIndexEntry.dayOf(rollup.getBucketStart());
        Long indexed = indexedDay.get(key);
        if (indexed != null && indexed >= day) {
            return;
        }
        indexedDay.put(key, day);
        SeriesIndexEntry.of(rollup).forEach(out::collect);
    }
}
