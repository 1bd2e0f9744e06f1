package dev.tally.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.common.DeadLetter;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestCassandra;
import dev.tally.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile input against the live ad-click job on real Kafka and Cassandra: a partition that carries
 * only malformed records, a 70 KB ad_id and country, a 1 MiB corrupt record, and a click 50 minutes
 * ahead of the broker's clock (from a producer whose clock is 50 minutes fast) while the other
 * partitions are idle. The job stays RUNNING, minutes keep closing with exact counts, and each bad
 * record is a dead letter with its reason. The minutes it checks are the first input accepted after
 * every partition was idle.
 */
@ExtendWith(RealServicesExtension.class)
class PoisonInputITCase {

    private static final AvroCodec<AdClickEvent> CLICKS = AvroCodec.of(AdClickEvent.class);
    private static final int TWO_MIB = 2 * 1024 * 1024;
    private static final int HUGE = 1024 * 1024 + 10;

    @Test
    void theJobKeepsCountingExactlyThroughPoisonAndAFastClock(TestKafka kafka, TestCassandra cassandra)
            throws Exception {
        Map<String, String> inputConfig = new HashMap<>(Topics.INPUT_CONFIG);
        inputConfig.put("max.message.bytes", Integer.toString(TWO_MIB));
        String input = kafka.newTopic("ad-clicks", 3, inputConfig);
        kafka.createTopics(input + ".dlq", input + ".late");
        String counts = kafka.newTopic("ad-click-counts", 1);
        String top = kafka.newTopic("ad-top-ads", 1);
        String keyspace = cassandra.newKeyspace();
        AdClickOptions options = AdClickOptions.parse(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--input-topic",
                input,
                "--counts-topic",
                counts,
                "--top-topic",
                top,
                "--cassandra",
                cassandra.contactPoint(),
                "--keyspace",
                keyspace,
                "--group-id",
                "it-" + input,
                "--transactional-id-prefix",
                "it-" + input,
                "--idleness",
                "PT5S");
        Configuration config = new Configuration();
        config.setString("execution.checkpointing.interval", "1s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, config);
        AdClickJob job = new AdClickJob();
        job.attachSinks(job.build(JobRunner.liveInput(env, job, options), options), options);
        JobClient running = env.executeAsync("poison-" + input);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong malformedSent = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            // Partition 0: nothing but undecodable records, all through the test.
            Thread malformed = new Thread(() -> {
                while (!stop.get()) {
                    producer.send(new ProducerRecord<>(
                            input, 0, null, ("not avro " + malformedSent.get()).getBytes(StandardCharsets.UTF_8)));
                    malformedSent.incrementAndGet();
                    sleep(200);
                }
            });
            malformed.start();
            Thread[] ticks = new Thread[1];
            try {
                // The job is up, its splits assigned, once its first dead letter is committed.
                awaitDeadLetters(kafka, input, 1, Duration.ofSeconds(120));
                long now = System.currentTimeMillis();
                // Partition 1: oversize fields, a 1 MiB record that is no click, and a click stamped by a
                // producer clock 50 minutes fast (its CreateTime too, which the broker's LogAppendTime replaces).
                send(producer, input, 1, null, CLICKS.encode(click("long-ad", "a".repeat(70_000), now, "US")));
                send(producer, input, 1, null, CLICKS.encode(click("long-country", "ad-a", now, "C".repeat(70_000))));
                byte[] huge = new byte[HUGE];
                new Random(1).nextBytes(huge);
                System.arraycopy(CLICKS.encode(click("x", "ad-a", now, "US")), 0, huge, 0, 10);
                send(producer, input, 1, null, huge);
                long fast = now + Duration.ofMinutes(50).toMillis();
                send(producer, input, 1, fast, CLICKS.encode(click("fast-clock", "ad-a", fast, "US")));
                producer.flush();
                // Long enough for partitions 0 and 1 to go idle, had anything there counted as activity.
                Thread.sleep(8_000);

                Instant minute = Instant.ofEpochMilli(now).truncatedTo(ChronoUnit.MINUTES);
                // Every partition is idle now: the clicks below are the first the job accepts after a
                // job-wide idle period, when its parallel operators turn active one after the other
                // (NeverIdle says what went wrong there before).
                // Partition 2: three whole minutes of clicks, then a live stream that closes them.
                Map<String, Long> expected = new HashMap<>();
                for (int m = 4; m >= 2; m--) {
                    long start = minute.minus(m, ChronoUnit.MINUTES).toEpochMilli();
                    for (String ad : List.of("ad-a", "ad-b", "ad-c")) {
                        int n = ad.equals("ad-a") ? 3 : ad.equals("ad-b") ? 2 : 1;
                        for (int i = 0; i < n; i++) {
                            send(
                                    producer,
                                    input,
                                    2,
                                    null,
                                    CLICKS.encode(
                                            click(ad + "-" + m + "-" + i, ad, start + 1_000L * (i + 1) * m, "US")));
                        }
                        expected.put(ad + "@" + start, (long) n);
                    }
                }
                // Then a live stream on partition 2, as in production: a recent click every half second
                // moves its watermark on.
                ticks[0] = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        producer.send(new ProducerRecord<>(
                                input,
                                2,
                                null,
                                null,
                                CLICKS.encode(click("tick-" + i, "ad-z", System.currentTimeMillis() - 10_000, "US"))));
                        sleep(500);
                    }
                });
                ticks[0].start();

                Map<String, Long> actual = awaitCounts(cassandra, keyspace, expected, Duration.ofSeconds(90));
                if (!actual.equals(expected)) {
                    for (var r :
                            TopicReader.readCommitted(KafkaClients.of(kafka.bootstrapServers()), Topics.late(input))) {
                        System.out.println("late: " + CLICKS.decode(r.value()) + " at offset " + r.offset());
                    }
                }
                assertThat(actual).as("the three closed minutes, exact").isEqualTo(expected);
                assertThat(running.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            } finally {
                stop.set(true);
                malformed.join();
                if (ticks[0] != null) {
                    ticks[0].join();
                }
                producer.flush();
            }

            long expectedLetters = malformedSent.get() + 4;
            List<DeadLetter> letters = awaitDeadLetters(kafka, input, expectedLetters, Duration.ofSeconds(60));
            assertThat(letters).hasSize((int) expectedLetters);
            assertThat(letters.stream().filter(d -> d.getSourcePartition() == 0))
                    .hasSize((int) malformedSent.get())
                    .allSatisfy(d -> assertThat(d.getReason()).isEqualTo("BAD_HEADER"));
            List<DeadLetter> poison =
                    letters.stream().filter(d -> d.getSourcePartition() == 1).toList();
            assertThat(poison)
                    .extracting(DeadLetter::getReason)
                    .containsExactly(
                            "FIELD_TOO_LONG", "FIELD_TOO_LONG", poison.get(2).getReason(), "TIMESTAMP_OUT_OF_RANGE");
            assertThat(poison.get(0).getDetail()).contains("ad_id");
            assertThat(poison.get(1).getDetail()).contains("country");
            assertThat(poison.get(2).getOriginalLength()).isEqualTo(HUGE);
            assertThat(poison.get(2).getOriginalSha256())
                    .as("kept truncated, with the whole one's hash")
                    .isNotNull();
            assertThat(poison.get(2).getOriginal().remaining()).isEqualTo(512 * 1024);
        } finally {
            running.cancel().get();
        }
    }

    private static Map<String, Long> awaitCounts(
            TestCassandra cassandra, String keyspace, Map<String, Long> expected, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, Long> actual = new HashMap<>();
        while (Instant.now().isBefore(deadline)) {
            actual.clear();
            for (String ad : List.of("ad-a", "ad-b", "ad-c")) {
                cassandra
                        .session()
                        .execute(
                                "SELECT click_minute, count FROM " + keyspace
                                        + ".ad_click_counts WHERE ad_id = ? AND filter_id = 0",
                                ad)
                        .forEach(row -> {
                            String key = ad + "@" + row.getInstant(0).toEpochMilli();
                            if (expected.containsKey(key)) {
                                actual.put(key, row.getLong(1));
                            }
                        });
            }
            if (actual.equals(expected)) {
                break;
            }
            Thread.sleep(500);
        }
        return actual;
    }

    private static List<DeadLetter> awaitDeadLetters(TestKafka kafka, String input, long expected, Duration timeout)
            throws Exception {
        AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class);
        Instant deadline = Instant.now().plus(timeout);
        List<DeadLetter> letters = new ArrayList<>();
        while (Instant.now().isBefore(deadline)) {
            letters.clear();
            for (var r :
                    TopicReader.readCommitted(KafkaClients.of(kafka.bootstrapServers()), Topics.deadLetter(input))) {
                letters.add(codec.decode(r.value()));
            }
            if (letters.size() >= expected) {
                break;
            }
            Thread.sleep(500);
        }
        letters.sort(java.util.Comparator.comparingInt(DeadLetter::getSourcePartition)
                .thenComparingLong(DeadLetter::getSourceOffset));
        return letters;
    }

    private static AdClickEvent click(String id, String ad, long ts, String country) {
        return AdClickEvent.newBuilder()
                .setClickId(id)
                .setAdId(ad)
                .setClickTs(ts)
                .setUserId("u")
                .setIp("10.0.0.1")
                .setCountry(country)
                .build();
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, String topic, int partition, Long timestamp, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, timestamp, null, value))
                .get();
    }

    private static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TWO_MIB + 1024);
        return new KafkaProducer<>(props);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
