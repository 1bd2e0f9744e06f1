package dev.tally.dashboard;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.jobs.metrics.MetricsTables;
import dev.tally.jobs.metrics.PointsBlock;
import dev.tally.jobs.metrics.functions.RawMinute;
import dev.tally.jobs.metrics.functions.SeriesIndexEntry;
import dev.tally.jobs.metrics.functions.SeriesKeys;
import dev.tally.schema.metrics.MetricRollup;

/**
 * Metrics rows in a test keyspace as the metrics job's sinks write them: a raw minute; a minute rollup
 * comes with the series index's rows of its day ({@link SeriesIndexEntry#of}, as the job's {@code IndexSeries} writes
 * them), so the API finds its series.
 */
final class MetricRows {

    private final CqlSession session;
    private final String keyspace;

    MetricRows(CqlSession session, String keyspace) {
        this.session = session;
        this.keyspace = keyspace;
    }

    void minute(MetricRollup rollup) {
        insert(MetricsTables.MINUTE_ROLLUPS, rollup);
        for (SeriesIndexEntry entry : SeriesIndexEntry.of(rollup)) {
            insert(entry.isSeries() ? MetricsTables.SERIES : MetricsTables.SERIES_BY_LABEL, entry);
        }
    }

    /** A raw minute of {@code key} starting at {@code minute}: samples at the given offsets (ms) into it, as the job packs them. */
    void raw(String key, long minute, boolean counter, long[] offsets, double[] values) {
        long[] ts = new long[offsets.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = minute + offsets[i];
        }
        insert(
                MetricsTables.RAW_MINUTES,
                new RawMinute(
                        key,
                        SeriesKeys.parse(key).name(),
                        minute,
                        counter,
                        ts.length,
                        PointsBlock.encode(ts, values, ts.length)));
    }

    <T> void insert(ResultTable<T> table, T record) {
        session.execute(session.prepare(table.insertCql(keyspace)).bind(table.insertValues(record)));
    }
}
