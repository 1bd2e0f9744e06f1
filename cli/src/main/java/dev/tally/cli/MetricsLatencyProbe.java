package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.jobs.metrics.MetricsTables;
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
 * {@link #RULE} fires at the end of each high minute: it follows a low one. Over and over, {@link
 * #POLL_MILLIS} apart, the probes' minute rollups and alert history are read from Cassandra and the
 * committed alerts topic is polled. Latency: from the minute's end (wall time, as event time is) to the
 * first read that shows it, so up to a round of reads late (longer than the pause while Cassandra works
 * through a minute's burst); the job cannot show a minute before its watermark passes the minute's end,
 * the watermark delay after it.
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
    private static final AvroCodec<MetricPoint> POINTS = AvroCodec.of(MetricPoint.class);

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

    /**
     * The whole minutes of a probing from {@code begin} to {@code end} (a probe's first minute is partial),
     * by their ends: from {@code firstEnd} to {@code lastEnd}, both included.
     */
    record Window(long firstEnd, long lastEnd) {

        static Window of(long begin, long end) {
            return new Window(Math.floorDiv(begin, MINUTE) * MINUTE + 2 * MINUTE, Math.floorDiv(end, MINUTE) * MINUTE);
        }

        int minutes() {
            return (int) Math.max(0, (lastEnd - firstEnd) / MINUTE + 1);
        }

        boolean holds(long minuteEnd) {
            return minuteEnd >= firstEnd && minuteEnd <= lastEnd;
        }

        /** The FIRING events due: one at the end of each high minute of each probe. */
        int firingsDue() {
            int due = 0;
            for (int i = 0; i < PROBES; i++) {
                for (long e = firstEnd; e <= lastEnd; e += MINUTE) {
                    due += high(i, e - MINUTE) ? 1 : 0;
                }
            }
            return due;
        }
    }

    /** Per probe, when each minute's result of the window was first seen, by the minute's end. */
    static final class FirstSeen {
        private final Window window;
        private final boolean firings;
        private final List<Map<Long, Long>> byProbe = IntStream.range(0, PROBES)
                .mapToObj(i -> (Map<Long, Long>) new HashMap<Long, Long>())
                .toList();

        /** With {@code firings}, only a FIRING due counts: one at the end of a low minute would be the job's error. */
        FirstSeen(Window window, boolean firings) {
            this.window = window;
            this.firings = firings;
        }

        void note(int probe, long minuteEnd, long seenAt) {
            if (window.holds(minuteEnd) && (!firings || high(probe, minuteEnd - MINUTE))) {
                byProbe.get(probe).putIfAbsent(minuteEnd, seenAt);
            }
        }

        int count() {
            return byProbe.stream().mapToInt(Map::size).sum();
        }

        Latencies latencies(int due) {
            long[] millis = byProbe.stream()
                    .flatMap(m -> m.entrySet().stream())
                    .mapToLong(e -> e.getValue() - e.getKey())
                    .sorted()
                    .toArray();
            return new Latencies(millis, due);
        }
    }

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
        AvroCodec<AlertEvent> alerts = AvroCodec.of(AlertEvent.class);
        long begin = System.currentTimeMillis();
        long end = begin + seconds * 1000;
        Window window = Window.of(begin, end);
        int rollupsDue = window.minutes() * PROBES;
        int firingsDue = window.firingsDue();
        FirstSeen rollups = new FirstSeen(window, false);
        FirstSeen firings = new FirstSeen(window, true);
        FirstSeen committed = new FirstSeen(window, true);
        PreparedStatement rollupsOfDay = session.prepare("SELECT bucket_start FROM " + keyspace + "."
                + MetricsTables.MINUTE_ROLLUPS.name() + " WHERE series_key = ? AND day = ? AND bucket_start >= ?");
        PreparedStatement history = session.prepare("SELECT ts, state FROM " + keyspace + "."
                + MetricsTables.ALERT_HISTORY.name() + " WHERE alert = ? AND labels_key = ? AND ts >= ?");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        kafka.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer = TopicReader.committedConsumer(kafka)) {
            TopicReader.assignFromBeginning(consumer, alertsTopic);
            long nextSample = begin;
            long deadline = end + drainSeconds * 1000;
            while (System.currentTimeMillis() < deadline
                    && (System.currentTimeMillis() < end
                            || rollups.count() < rollupsDue
                            || firings.count() < firingsDue
                            || committed.count() < firingsDue)) {
                long now = System.currentTimeMillis();
                if (now < end && now >= nextSample) {
                    sendSamples(producer, input, now);
                    nextSample += 1000;
                }
                try {
                    for (int i = 0; i < PROBES; i++) {
                        for (LocalDate day : days(begin, now)) {
                            for (Row row : session.execute(
                                    rollupsOfDay.bind(seriesKey(i), day, Instant.ofEpochMilli(begin)))) {
                                rollups.note(
                                        i,
                                        row.getInstant("bucket_start").toEpochMilli() + MINUTE,
                                        System.currentTimeMillis());
                            }
                        }
                        for (Row row : session.execute(
                                history.bind(RULE, AlertEvents.labelsKey(labels(i)), Instant.ofEpochMilli(begin)))) {
                            if ("FIRING".equals(row.getString("state"))) {
                                firings.note(i, row.getInstant("ts").toEpochMilli(), System.currentTimeMillis());
                            }
                        }
                    }
                } catch (DriverTimeoutException e) {
                    // Cassandra busy with a minute's burst: this read is missed, the next one sees it later.
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(10))) {
                    AlertEvent event = alerts.decode(record.value());
                    if (event.getAlert().equals(RULE) && event.getState().equals("FIRING")) {
                        committed.note(
                                Integer.parseInt(event.getLabels().get("probe")),
                                event.getTs(),
                                System.currentTimeMillis());
                    }
                }
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        }
        return new Result(
                window.minutes(),
                rollups.latencies(rollupsDue),
                firings.latencies(firingsDue),
                committed.latencies(firingsDue));
    }

    /** Whether probe {@code i} sends its high value in the minute of {@code ts}. */
    static boolean high(int i, long ts) {
        return ((Math.floorDiv(ts, MINUTE) + i) & 1) == 1;
    }

    /** One sample of every probe, at {@code now}. */
    private static void sendSamples(KafkaProducer<byte[], byte[]> producer, String input, long now) {
        for (int i = 0; i < PROBES; i++) {
            MetricPoint p = MetricPoint.newBuilder()
                    .setName(METRIC)
                    .setLabels(labels(i))
                    .setTs(now)
                    .setValue(high(i, now) ? 1.0 : 0.0)
                    .setKind(null)
                    .build();
            producer.send(new ProducerRecord<>(input, seriesKey(i).getBytes(StandardCharsets.UTF_8), POINTS.encode(p)));
        }
        producer.flush();
    }

    private static Map<String, String> labels(int probe) {
        return Map.of("probe", Integer.toString(probe));
    }

    private static String seriesKey(int probe) {
        return SeriesKey.of(METRIC, labels(probe));
    }

    private static Set<LocalDate> days(long from, long to) {
        Set<LocalDate> days = new LinkedHashSet<>();
        days.add(LocalDate.ofInstant(Instant.ofEpochMilli(from), ZoneOffset.UTC));
        days.add(LocalDate.ofInstant(Instant.ofEpochMilli(to), ZoneOffset.UTC));
        return days;
    }
}
