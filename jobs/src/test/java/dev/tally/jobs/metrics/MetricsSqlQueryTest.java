package dev.tally.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.WatermarkAfterEveryRecord;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.schema.metrics.MetricRollup;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flink SQL yardstick of {@code tally bench metrics} on a MiniCluster: its 1-minute rollups over a
 * hand-computed input with the faults it does not handle as the job does (so what it skips is pinned
 * down), and the job's own 1-minute rollups on a clean input, without which comparing their speeds
 * would mean nothing. Parallelism 1: a series' points reach the window in the order they were sent,
 * as from its one Kafka partition.
 */
class MetricsSqlQueryTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final long S = 1_000L;
    private static final long MINUTE = 60_000L;

    @Test
    void minuteRollupsOfEveryAcceptedPointInTheWatermark() throws Exception {
        List<Decoded<MetricPoint>> input = new ArrayList<>();
        input.add(point("cpu", 0, 1.0));
        input.add(point("requests_total", 0, 10));
        input.add(point("cpu", 10 * S, 3.0));
        input.add(point("cpu", 10 * S, 3.0)); // a duplicate: SQL counts it again
        input.add(point("cpu", 20 * S, 4.0));
        input.add(point("requests_total", 30 * S, 15));
        input.add(point("cpu", 20 * S, 2.0)); // a conflict: SQL counts both values, and 2.0 arrived last
        input.add(Decoded.rejected(deadLetter()));
        input.add(point("requests_total", MINUTE, 2)); // a restart: SQL computes no increase
        input.add(point("cpu", MINUTE, 5));
        input.add(point("requests_total", MINUTE + 30 * S, 6));
        input.add(point("cpu", 8 * MINUTE, 7)); // the watermark goes to 7:45
        input.add(point("cpu", 30 * S, 9)); // late for the job too
        input.add(point("cpu", 3 * MINUTE + S, 4)); // within the job's lateness, so the job applies it; SQL drops it

        StreamExecutionEnvironment env = environment();
        MetricsPipeline.Outputs outputs =
                MetricsSqlQuery.build(MetricsSqlQuery.tables(env, new MetricsOptions()), source(env, input));
        assertThat(outputs.late()).isNull();
        CloseableIterator<MetricRollup> rollups = outputs.rollups().collectAsync();
        CloseableIterator<DeadLetter> deadLetters = outputs.deadLetters().collectAsync();
        env.execute("metrics-sql-test");

        List<MetricRollup> all = drain(rollups);
        Map<String, String> byBucket = new LinkedHashMap<>();
        all.forEach(r -> byBucket.put(
                r.getSeriesKey() + " " + r.getResolution() + "@" + (r.getBucketStart() - T0) / MINUTE, describe(r)));
        String cpu = "cpu{host=\"a\"}";
        String requests = "requests_total{host=\"a\"}";
        assertThat(all).hasSize(5); // each window once, and no hours
        assertThat(byBucket)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        cpu + " 1m@0", "GAUGE 5 13.0 [1.0, 4.0] 1.0@0 2.0@20",
                        cpu + " 1m@1", "GAUGE 1 5.0 [5.0, 5.0] 5.0@60 5.0@60",
                        cpu + " 1m@8", "GAUGE 1 7.0 [7.0, 7.0] 7.0@480 7.0@480",
                        requests + " 1m@0", "COUNTER 2 25.0 [10.0, 15.0] 10.0@0 15.0@30",
                        requests + " 1m@1", "COUNTER 2 8.0 [2.0, 6.0] 2.0@60 6.0@90"));
        MetricRollup counter = all.stream()
                .filter(r -> r.getSeriesKey().equals(requests))
                .findFirst()
                .orElseThrow();
        assertThat(counter.getName()).isEqualTo("requests_total");
        assertThat(counter.getLabels()).isEqualTo(Map.of("host", "a"));
        assertThat(counter.getIncrease()).isNull();
        assertThat(counter.getResets()).isNull();
        assertThat(drain(deadLetters)).extracting(DeadLetter::getReason).containsExactly("CORRUPT");
    }

    /**
     * On points that are in order per series, unique and never late (the benchmark's data but for its
     * duplicates and conflicts), SQL's minute rollups are the job's in every field it computes.
     */
    @Test
    void onACleanInputTheMinuteRollupsAreTheJobs() throws Exception {
        List<Decoded<MetricPoint>> input = new ArrayList<>();
        Random random = new Random(7);
        String[] names = {"cpu.load", "mem_used_bytes", "http_requests_total", "node_cpu_seconds_total"};
        double[] counters = new double[names.length * 3];
        for (long ts = 0; ts < 20 * MINUTE; ts += 7 * S) {
            for (int n = 0; n < names.length; n++) {
                for (int h = 0; h < 3; h++) {
                    boolean counter = names[n].endsWith("_total");
                    int series = n * 3 + h;
                    if (counter) {
                        counters[series] =
                                random.nextInt(40) == 0 ? random.nextInt(5) : counters[series] + random.nextInt(100);
                    }
                    double value = counter ? counters[series] : Math.round(random.nextDouble() * 1000) / 8.0;
                    Map<String, String> labels = h == 2 ? Map.of() : Map.of("host", "h" + h, "pool", "web \"1\"");
                    input.add(Decoded.accepted(new MetricPoint(names[n], labels, T0 + ts + h * S, value, null)));
                }
            }
            if (ts % (20 * 7 * S) == 0) {
                input.add(Decoded.rejected(deadLetter()));
            }
        }

        StreamExecutionEnvironment jobEnv = environment();
        MetricsPipeline.Outputs job = MetricsPipeline.build(
                source(jobEnv, input),
                Duration.ofMinutes(5),
                MetricsOptions.DEFAULT_MAX_SERIES_PER_NAME,
                "metrics",
                List.of());
        CloseableIterator<MetricRollup> jobRollups = job.rollups().collectAsync();
        CloseableIterator<DeadLetter> jobDeadLetters = job.deadLetters().collectAsync();
        jobEnv.execute("job");
        Map<String, MetricRollup> expected = new LinkedHashMap<>();
        for (MetricRollup r : drain(jobRollups)) {
            if (r.getResolution().equals(MetricsTables.MINUTE)) {
                expected.put(
                        r.getSeriesKey() + "@" + r.getBucketStart(),
                        MetricRollup.newBuilder(r)
                                .setIncrease(null)
                                .setResets(null)
                                .setSketch(null)
                                .build());
            }
        }

        StreamExecutionEnvironment sqlEnv = environment();
        MetricsPipeline.Outputs sql =
                MetricsSqlQuery.build(MetricsSqlQuery.tables(sqlEnv, new MetricsOptions()), source(sqlEnv, input));
        CloseableIterator<MetricRollup> sqlRollups = sql.rollups().collectAsync();
        CloseableIterator<DeadLetter> sqlDeadLetters = sql.deadLetters().collectAsync();
        sqlEnv.execute("sql");
        List<MetricRollup> actual = drain(sqlRollups);

        assertThat(expected).hasSize(12 * 20);
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected.values());
        assertThat(drain(sqlDeadLetters)).hasSameSizeAs(drain(jobDeadLetters)).isNotEmpty();
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        return env;
    }

    private static DataStream<Decoded<MetricPoint>> source(
            StreamExecutionEnvironment env, List<Decoded<MetricPoint>> input) {
        return env.fromData(input, Decoded.typeInfo(MetricPoint.class))
                .assignTimestampsAndWatermarks(
                        WatermarkAfterEveryRecord.of(new MetricsOptions().outOfOrderness, MetricPoint::getTs));
    }

    private static String describe(MetricRollup r) {
        return r.getKind() + " " + r.getCount() + " " + r.getSum() + " [" + r.getMin() + ", " + r.getMax() + "] "
                + r.getFirst() + "@" + (r.getFirstTs() - T0) / S + " " + r.getLast() + "@" + (r.getLastTs() - T0) / S;
    }

    private static <T> List<T> drain(CloseableIterator<T> iterator) throws Exception {
        List<T> all = new ArrayList<>();
        iterator.forEachRemaining(all::add);
        iterator.close();
        return all;
    }

    private static Decoded<MetricPoint> point(String name, long offset, double value) {
        return Decoded.accepted(new MetricPoint(name, Map.of("host", "a"), T0 + offset, value, null));
    }

    private static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("metrics")
                .setSourcePartition(0)
                .setSourceOffset(7)
                .setSourceTimestamp(T0)
                .setReason("CORRUPT")
                .setDetail("test")
                .setOriginal(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build();
    }
}
