package dev.tally.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.RecordFate;
import dev.tally.jobs.kit.RecordFates;
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
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole metrics DAG on a MiniCluster over a finite, hand-computed input: duplicates, a conflict, a reset on a minute's edge, late points. */
class MetricsPipelineTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(RecordFates.miniCluster(METRICS, 2));

    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();
    private static final long S = 1_000L;
    private static final long MINUTE = 60_000L;

    @Test
    void rollupsOfAGaugeAndACounterWithEveryFault() throws Exception {
        List<Decoded<MetricPoint>> input = new ArrayList<>();
        input.add(point("cpu", 0, 1.0));
        input.add(point("requests_total", 0, 10));
        input.add(point("cpu", 10 * S, 3.0));
        input.add(point("cpu", 10 * S, 3.0)); // duplicate
        input.add(point("cpu", 20 * S, 4.0));
        input.add(point("requests_total", 30 * S, 15));
        input.add(point("cpu", 20 * S, 2.0)); // conflict: the smaller value is the sample, 4.0 a dead letter
        input.add(Decoded.rejected(deadLetter()));
        input.add(point("requests_total", MINUTE, 2)); // the process restarted on the minute's edge
        input.add(point("cpu", MINUTE, 5));
        input.add(point("requests_total", MINUTE + 30 * S, 6));
        input.add(point("cpu", 8 * MINUTE, 7)); // the watermark goes to 7:45
        input.add(point("cpu", 30 * S, 9)); // minute 0's lateness ended at 5:59.999: late
        input.add(point("cpu", 3 * MINUTE + S, 4)); // minute 3's ends at 8:59.999: applied

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        MetricsOptions options = new MetricsOptions();
        DataStream<Decoded<MetricPoint>> points = env.fromData(input, Decoded.typeInfo(MetricPoint.class))
                .assignTimestampsAndWatermarks(
                        WatermarkAfterEveryRecord.of(options.outOfOrderness, MetricPoint::getTs));
        MetricsPipeline.Outputs outputs = MetricsPipeline.build(
                points, Duration.ofMinutes(5), MetricsOptions.DEFAULT_MAX_SERIES_PER_NAME, "metrics", List.of());
        CloseableIterator<MetricRollup> rollups = outputs.rollups().collectAsync();
        CloseableIterator<MetricPoint> late = outputs.late().collectAsync();
        CloseableIterator<DeadLetter> deadLetters = outputs.deadLetters().collectAsync();
        JobID job = env.execute("metrics-pipeline-test").getJobID();

        Map<String, String> last = new LinkedHashMap<>();
        drain(rollups)
                .forEach(r -> last.put(
                        r.getSeriesKey() + " " + r.getResolution() + "@" + (r.getBucketStart() - T0) / MINUTE,
                        describe(r)));
        String cpu = "cpu{host=\"a\"}";
        String requests = "requests_total{host=\"a\"}";
        assertThat(last)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        cpu + " 1m@0", "GAUGE 3 6.0 [1.0, 3.0] 1.0@0 2.0@20",
                        cpu + " 1m@1", "GAUGE 1 5.0 [5.0, 5.0] 5.0@60 5.0@60",
                        cpu + " 1m@3", "GAUGE 1 4.0 [4.0, 4.0] 4.0@181 4.0@181",
                        cpu + " 1m@8", "GAUGE 1 7.0 [7.0, 7.0] 7.0@480 7.0@480",
                        cpu + " 1h@0", "GAUGE 6 22.0 [1.0, 7.0] 1.0@0 7.0@480",
                        requests + " 1m@0", "COUNTER 2 25.0 [10.0, 15.0] 10.0@0 15.0@30 +5.0 0",
                        requests + " 1m@1", "COUNTER 2 8.0 [2.0, 6.0] 2.0@60 6.0@90 +4.0 0",
                        requests + " 1h@0", "COUNTER 4 33.0 [2.0, 15.0] 10.0@0 6.0@90 +11.0 1"));

        assertThat(drain(late))
                .extracting(p -> p.getTs() - T0, MetricPoint::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(30 * S, 9.0));
        List<DeadLetter> letters = drain(deadLetters);
        assertThat(letters)
                .extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder("CORRUPT", "CONFLICTING_SAMPLE");
        DeadLetter conflict = letters.stream()
                .filter(d -> d.getReason().equals("CONFLICTING_SAMPLE"))
                .findFirst()
                .orElseThrow();
        byte[] original = new byte[conflict.getOriginal().remaining()];
        conflict.getOriginal().duplicate().get(original);
        assertThat(AvroCodec.of(MetricPoint.class).decode(original))
                .isEqualTo(new MetricPoint("cpu", Map.of("host", "a"), T0 + 20 * S, 4.0, null));

        // Each point read in exactly one fate: 4.0 was accepted, then displaced by 2.0 and dead-lettered.
        assertThat(RecordFates.of(METRICS, job))
                .isEqualTo(Map.of(
                        RecordFate.ACCEPTED,
                        10L,
                        RecordFate.DUPLICATE,
                        1L,
                        RecordFate.LATE,
                        1L,
                        RecordFate.INVALID,
                        2L));
        assertThat(RecordFates.of(METRICS, job).values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(input.size());
    }

    /**
     * A replay runs the pipeline in BATCH mode, keys one after another, each key's timers at the end
     * of its input: no point is late, and one key's timers must not make the next key's points late.
     */
    @Test
    void inBatchModeEveryPointOfEverySeriesCounts() throws Exception {
        List<Decoded<MetricPoint>> input = new ArrayList<>();
        for (String host : List.of("a", "b", "c")) {
            input.add(point("cpu", host, 8 * MINUTE, 7));
            input.add(point("cpu", host, 0, 1.0));
            input.add(point("cpu", host, 30 * S, 9)); // late for a live run, not for a replay
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        DataStream<Decoded<MetricPoint>> points = env.fromData(input, Decoded.typeInfo(MetricPoint.class))
                .assignTimestampsAndWatermarks(
                        WatermarkAfterEveryRecord.of(Duration.ofSeconds(15), MetricPoint::getTs));
        MetricsPipeline.Outputs outputs = MetricsPipeline.build(
                points, Duration.ofMinutes(5), MetricsOptions.DEFAULT_MAX_SERIES_PER_NAME, "metrics", List.of());
        CloseableIterator<MetricRollup> rollups = outputs.rollups().collectAsync();
        CloseableIterator<MetricPoint> late = outputs.late().collectAsync();
        env.execute("metrics-pipeline-batch-test");

        Map<String, String> last = new LinkedHashMap<>();
        drain(rollups)
                .forEach(r -> last.put(
                        r.getSeriesKey() + " " + r.getResolution() + "@" + (r.getBucketStart() - T0) / MINUTE,
                        describe(r)));
        Map<String, String> expected = new LinkedHashMap<>();
        for (String host : List.of("a", "b", "c")) {
            String cpu = "cpu{host=\"" + host + "\"}";
            expected.put(cpu + " 1m@0", "GAUGE 2 10.0 [1.0, 9.0] 1.0@0 9.0@30");
            expected.put(cpu + " 1m@8", "GAUGE 1 7.0 [7.0, 7.0] 7.0@480 7.0@480");
            expected.put(cpu + " 1h@0", "GAUGE 3 17.0 [1.0, 9.0] 1.0@0 7.0@480");
        }
        assertThat(last).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(drain(late)).isEmpty();
    }

    /** A replay admits the same series as the live run: by their first minute in the hour, then key, not by arrival. */
    @Test
    void inBatchModeTheSeriesLimitAdmitsByFirstMinuteThenKey() throws Exception {
        List<Decoded<MetricPoint>> input = new ArrayList<>();
        input.add(point("cpu", "a", MINUTE, 1)); // a and b first in minute 1, c and d in minute 0
        input.add(point("cpu", "b", MINUTE, 2));
        input.add(point("cpu", "d", 2 * MINUTE, 3));
        input.add(point("cpu", "d", 0, 4));
        input.add(point("cpu", "c", 30 * S, 5));
        input.add(point("cpu", "a", 2 * MINUTE, 6));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(1);
        DataStream<Decoded<MetricPoint>> points = env.fromData(input, Decoded.typeInfo(MetricPoint.class))
                .assignTimestampsAndWatermarks(
                        WatermarkAfterEveryRecord.of(Duration.ofSeconds(15), MetricPoint::getTs));
        MetricsPipeline.Outputs outputs = MetricsPipeline.build(points, Duration.ofMinutes(5), 2, "metrics", List.of());
        CloseableIterator<MetricRollup> rollups = outputs.rollups().collectAsync();
        CloseableIterator<DeadLetter> deadLetters = outputs.deadLetters().collectAsync();
        env.execute("metrics-pipeline-limit-test");

        assertThat(drain(rollups).stream().map(MetricRollup::getSeriesKey).distinct())
                .containsExactlyInAnyOrder("cpu{host=\"c\"}", "cpu{host=\"d\"}");
        List<String> limited = new ArrayList<>();
        for (DeadLetter d : drain(deadLetters)) {
            assertThat(d.getReason()).isEqualTo("SERIES_LIMIT");
            byte[] original = new byte[d.getOriginal().remaining()];
            d.getOriginal().duplicate().get(original);
            MetricPoint p = AvroCodec.of(MetricPoint.class).decode(original);
            limited.add(p.getLabels().get("host") + "=" + p.getValue());
        }
        assertThat(limited).containsExactlyInAnyOrder("a=1.0", "b=2.0", "a=6.0");
    }

    private static String describe(MetricRollup r) {
        return r.getKind() + " " + r.getCount() + " " + r.getSum() + " [" + r.getMin() + ", " + r.getMax() + "] "
                + r.getFirst() + "@"
                + (r.getFirstTs() - T0) / S + " " + r.getLast() + "@" + (r.getLastTs() - T0) / S
                + (r.getIncrease() == null ? "" : " +" + r.getIncrease() + " " + r.getResets());
    }

    private static <T> List<T> drain(CloseableIterator<T> iterator) throws Exception {
        List<T> all = new ArrayList<>();
        iterator.forEachRemaining(all::add);
        iterator.close();
        return all;
    }

    private static Decoded<MetricPoint> point(String name, long offset, double value) {
        return point(name, "a", offset, value);
    }

    private static Decoded<MetricPoint> point(String name, String host, long offset, double value) {
        return Decoded.accepted(new MetricPoint(name, Map.of("host", host), T0 + offset, value, null));
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
