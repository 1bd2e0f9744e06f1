package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.jobs.metrics.alerts.AlertEvents;
import dev.tally.loadgen.TopicReader;
import dev.tally.loadgen.metrics.reference.SeriesKey;
import dev.tally.schema.metrics.AlertEvent;
import dev.tally.schema.metrics.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How long after a minute's end its results show while the metrics job runs live. Beside the load,
 * {@link #PROBES} probe series ({@code tally_latency_probe{probe="i"}}) each send a sample a second
 * (event time = wall time), high in every other minute (probe i in the minutes of i's parity), and the rule
 * {@link #RULE} fires at the end of each high minute: it follows a low one. Every {@link #POLL_MILLIS} the
 * probes' minute rollups and alert history are read from Cassandra, and the committed alerts topic is
 * polled. Latency: from the minute's end (wall time, as event time is) to the first read that shows it,
 * so up to a poll late; the job cannot show a minute before its watermark passes the minute's end, the
 * watermark delay after it.
 */
final class MetricsLatencyProbe {

    static final int PROBES = 8;
    static final long POLL_MILLIS = 200;
    static final String RULE = "TallyLatencyProbe";
    static final String METRIC = "tally_latency_probe";

    /** The probe's rule, a group to append to a rules file's {@code groups}. */
    static final String RULE_GROUP = """
              - name: latency-probe
                rules:
                  - alert: %s
                    expr: 'max(%s[1m]) by (probe) > 0.5'
            """.formatted(RULE, METRIC);

    private static final long MINUTE = 60_000;

    /** Latencies in ms after the minute's end, sorted, and how many were due in the window. */
    record Latencies(long[] millis, int due) {

        String describe() {
            return millis.length == 0
                    ? String.format(Locale.ROOT, "none seen (of %d)", due)
                    : String.format(
                            Locale.ROOT,
                            "p50 %s, p99 %s, max %s s (%d of %d)",
                            seconds(0.5),
                            seconds(0.99),
                            seconds(1),
                            millis.length,
                            due);
        }

        private String seconds(double q) {
            return String.format(Locale.ROOT, "%.1f", DashboardBench.percentile(millis, q) / 1000.0);
        }
    }

    /** The minutes measured: whole minutes of event time inside the probes' window. */
    record Result(int minutes, Latencies rollups, Latencies firingInCassandra, Latencies firingInKafka) {}

    private MetricsLatencyProbe() {}

    /**
     * Probes for {@code seconds} while the load runs, then waits up to {@code drainSeconds} for the last
     * minutes; the job reads {@code input} and writes {@code keyspace} and {@code alertsTopic}.
     */
    static Result run(
            KafkaClients kafka,
            CqlSession session,
            String input,
            String keyspace,
            String alertsTopic,
            long seconds,
            long drainSeconds)
            throws InterruptedException, AvroDecodeException {
        AvroCodec<MetricPoint> points = AvroCodec.of(MetricPoint.class);
        AvroCodec<AlertEvent> alerts = AvroCodec.of(AlertEvent.class);
        long begin = System.currentTimeMillis();
        long end = begin + seconds * 1000;
        // Whole minutes only: a probe's first minute is partial.
        long firstEnd = Math.floorDiv(begin, MINUTE) * MINUTE + 2 * MINUTE;
        long lastEnd = Math.floorDiv(end, MINUTE) * MINUTE;
        int minutes = (int) Math.max(0, (lastEnd - firstEnd) / MINUTE + 1);
        List<Map<String, String>> labels = IntStream.range(0, PROBES)
                .mapToObj(i -> Map.of("probe", Integer.toString(i)))
                .toList();
        PreparedStatement rollupsOfDay = session.prepare("SELECT bucket_start FROM " + keyspace
                + ".metric_rollups_1m WHERE series_key = ? AND day = ? AND bucket_start >= ?");
        PreparedStatement history = session.prepare(
                "SELECT ts, state FROM " + keyspace + ".alert_history WHERE alert = ? AND labels_key = ? AND ts >= ?");
        // Per probe, the minute end (ms) of each rollup or FIRING seen -> when it was first seen.
        List<Map<Long, Long>> rollupSeen = fresh();
        List<Map<Long, Long>> firingSeen = fresh();
        List<Map<Long, Long>> committedSeen = fresh();
        int firingDue = 0;
        for (int i = 0; i < PROBES; i++) {
            for (long e = firstEnd; e <= lastEnd; e += MINUTE) {
                firingDue += high(i, e - MINUTE) ? 1 : 0;
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        kafka.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer = TopicReader.committedConsumer(kafka)) {
            TopicReader.assignFromBeginning(consumer, alertsTopic);
            long nextSample = begin;
            long deadline = end + drainSeconds * 1000;
            while (System.currentTimeMillis() < deadline
                    && (System.currentTimeMillis() < end
                            || seen(rollupSeen, firstEnd, lastEnd) < minutes * PROBES
                            || seen(firingSeen, firstEnd, lastEnd) < firingDue
                            || seen(committedSeen, firstEnd, lastEnd) < firingDue)) {
                long now = System.currentTimeMillis();
                if (now < end && now >= nextSample) {
                    for (int i = 0; i < PROBES; i++) {
                        MetricPoint p = MetricPoint.newBuilder()
                                .setName(METRIC)
                                .setLabels(labels.get(i))
                                .setTs(now)
                                .setValue(high(i, now) ? 1.0 : 0.0)
                                .setKind(null)
                                .build();
                        producer.send(new ProducerRecord<>(
                                input,
                                SeriesKey.of(METRIC, p.getLabels()).getBytes(StandardCharsets.UTF_8),
                                points.encode(p)));
                    }
                    producer.flush();
                    nextSample += 1000;
                }
                for (int i = 0; i < PROBES; i++) {
                    String seriesKey = SeriesKey.of(METRIC, labels.get(i));
                    for (LocalDate day : days(begin, now)) {
                        for (Row row :
                                session.execute(rollupsOfDay.bind(seriesKey, day, Instant.ofEpochMilli(begin)))) {
                            noteFirst(
                                    rollupSeen.get(i),
                                    row.getInstant("bucket_start").toEpochMilli() + MINUTE);
                        }
                    }
                    for (Row row : session.execute(
                            history.bind(RULE, AlertEvents.labelsKey(labels.get(i)), Instant.ofEpochMilli(begin)))) {
                        if ("FIRING".equals(row.getString("state"))) {
                            noteFirst(firingSeen.get(i), row.getInstant("ts").toEpochMilli());
                        }
                    }
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(10))) {
                    AlertEvent event = alerts.decode(record.value());
                    if (event.getAlert().equals(RULE) && event.getState().equals("FIRING")) {
                        int probe = Integer.parseInt(event.getLabels().get("probe"));
                        noteFirst(committedSeen.get(probe), event.getTs());
                    }
                }
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        }
        return new Result(
                minutes,
                latencies(rollupSeen, firstEnd, lastEnd, minutes * PROBES),
                latencies(firingSeen, firstEnd, lastEnd, firingDue),
                latencies(committedSeen, firstEnd, lastEnd, firingDue));
    }

    /** Whether probe {@code i} sends its high value in the minute of {@code ts}. */
    static boolean high(int i, long ts) {
        return ((Math.floorDiv(ts, MINUTE) + i) & 1) == 1;
    }

    private static List<Map<Long, Long>> fresh() {
        return IntStream.range(0, PROBES)
                .mapToObj(i -> (Map<Long, Long>) new HashMap<Long, Long>())
                .toList();
    }

    private static Set<LocalDate> days(long from, long to) {
        Set<LocalDate> days = new LinkedHashSet<>();
        days.add(LocalDate.ofInstant(Instant.ofEpochMilli(from), ZoneOffset.UTC));
        days.add(LocalDate.ofInstant(Instant.ofEpochMilli(to), ZoneOffset.UTC));
        return days;
    }

    private static void noteFirst(Map<Long, Long> seen, long minuteEnd) {
        seen.putIfAbsent(minuteEnd, System.currentTimeMillis());
    }

    private static long seen(List<Map<Long, Long>> seen, long firstEnd, long lastEnd) {
        return seen.stream()
                .flatMap(m -> m.keySet().stream())
                .filter(e -> e >= firstEnd && e <= lastEnd)
                .count();
    }

    private static Latencies latencies(List<Map<Long, Long>> seen, long firstEnd, long lastEnd, int due) {
        long[] millis = seen.stream()
                .flatMap(m -> m.entrySet().stream())
                .filter(e -> e.getKey() >= firstEnd && e.getKey() <= lastEnd)
                .mapToLong(e -> e.getValue() - e.getKey())
                .toArray();
        Arrays.sort(millis);
        return new Latencies(millis, due);
    }
}
