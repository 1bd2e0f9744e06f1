package dev.tally.jobs.metrics.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.jobs.metrics.MetricsTables;
import dev.tally.jobs.metrics.RetentionPolicy;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricRollup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IndexSeriesTest {

    private static final String WEB01 = "cpu.load{host=\"web01\",pool=\"p1\"}";
    private static final Map<String, String> WEB01_LABELS = Map.of("host", "web01", "pool", "p1");
    private static final long DAY = Instant.parse("2026-12-06T00:00:00Z").toEpochMilli();
    private static final long NEXT_DAY = DAY + Duration.ofDays(1).toMillis();

    private final List<SeriesIndexEntry> out = new ArrayList<>();
    private IndexSeries index;

    @BeforeEach
    void open() {
        index = new IndexSeries();
        index.open(DefaultOpenContext.INSTANCE);
    }

    @Test
    void aSeriesIsIndexedByNameAndByEachLabelOncePerDay() {
        index(WEB01, WEB01_LABELS, "1m", DAY + 60_000);
        index(WEB01, WEB01_LABELS, "1m", DAY + 120_000);
        index(WEB01, WEB01_LABELS, "1h", DAY);

        assertThat(out)
                .containsExactly(
                        new SeriesIndexEntry("cpu.load", null, null, WEB01, WEB01_LABELS, DAY),
                        new SeriesIndexEntry("cpu.load", "host", "web01", WEB01, null, DAY),
                        new SeriesIndexEntry("cpu.load", "pool", "p1", WEB01, null, DAY));
    }

    @Test
    void aNewDayIndexesAgainAndAnOlderOneNot() {
        index(WEB01, WEB01_LABELS, "1m", DAY + 60_000);
        index(WEB01, WEB01_LABELS, "1m", NEXT_DAY);
        index(WEB01, WEB01_LABELS, "1m", NEXT_DAY - 60_000); // a late minute of the day before

        assertThat(out).extracting(e -> e.day).containsExactly(DAY, DAY, DAY, NEXT_DAY, NEXT_DAY, NEXT_DAY);
    }

    @Test
    void aSeriesWithoutLabelsHasItsNameRowOnly() {
        index("up", Map.of(), "1m", DAY);

        assertThat(out).containsExactly(new SeriesIndexEntry("up", null, null, "up", Map.of(), DAY));
    }

    /** A later day's row lives longer, so it is written with a later timestamp: it wins in either order. */
    @Test
    void rowsLiveAsLongAsTheirDaysLongestKeptRollupAndALaterDayWins() {
        RetentionPolicy retention = RetentionPolicy.of(Duration.ofDays(30), Duration.ofDays(365));
        long yesterday = Math.floorDiv(System.currentTimeMillis(), 86_400_000L) * 86_400_000L - 86_400_000L;
        SeriesIndexEntry entry = new SeriesIndexEntry("cpu.load", "host", "web01", WEB01, null, yesterday);
        SeriesIndexEntry later =
                new SeriesIndexEntry("cpu.load", "host", "web01", WEB01, null, yesterday + 86_400_000L);

        Object[] values = MetricsTables.seriesByLabel(retention).insertValues(entry);
        Object[] laterValues = MetricsTables.seriesByLabel(retention).insertValues(later);

        assertThat(values).startsWith("cpu.load", "host", "web01", WEB01);
        assertThat((long) values[4]).isEqualTo((yesterday + 86_400_000L) * 1000).isLessThan((long) laterValues[4]);
        // The day ended at most a day ago: a year less up to a day is left.
        assertThat(((Number) values[5]).longValue())
                .isBetween(
                        Duration.ofDays(364).toSeconds(), Duration.ofDays(365).toSeconds());
        assertThat(MetricsTables.series(retention)
                        .insertValues(new SeriesIndexEntry("cpu.load", null, null, WEB01, WEB01_LABELS, yesterday)))
                .startsWith("cpu.load", WEB01, WEB01_LABELS);
    }

    private void index(String key, Map<String, String> labels, String resolution, long bucketStart) {
        index.flatMap(
                MetricRollup.newBuilder()
                        .setSeriesKey(key)
                        .setName(key.contains("{") ? key.substring(0, key.indexOf('{')) : key)
                        .setLabels(labels)
                        .setKind(MetricKind.GAUGE)
                        .setResolution(resolution)
                        .setBucketStart(bucketStart)
                        .setCount(1)
                        .setSum(1.0)
                        .setMin(1.0)
                        .setMax(1.0)
                        .setFirst(1.0)
                        .setFirstTs(bucketStart)
                        .setLast(1.0)
                        .setLastTs(bucketStart)
                        .build(),
                new Collector<>() {
                    @Override
                    public void collect(SeriesIndexEntry entry) {
                        out.add(entry);
                    }

                    @Override
                    public void close() {}
                });
    }
}
