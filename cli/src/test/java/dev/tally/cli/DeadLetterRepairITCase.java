package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.DecodingDeserializer;
import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.loadgen.TopicReader;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.common.DeadLetter;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Dead letters repaired on a real Kafka: after the fix, the ones the job accepts now go back to the
 * input topic once each, to their first partition and timestamp with their provenance; the others
 * stay, counted by why.
 */
@ExtendWith(RealServicesExtension.class)
class DeadLetterRepairITCase {

    private static final AvroCodec<AdClickEvent> CLICKS = AvroCodec.of(AdClickEvent.class);
    private static final AvroCodec<DeadLetter> LETTERS = AvroCodec.of(DeadLetter.class);

    @Test
    void resendsWhatTheJobAcceptsNowOnceEachWithItsProvenance(TestKafka kafka) throws Exception {
        String input = kafka.newTopic("ad-clicks", 2);
        kafka.createTopics(input + ".dlq");
        long ts = System.currentTimeMillis() - 60_000;
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            // Rejected when the producer used a schema the job did not know yet; it does now.
            for (int i = 0; i < 3; i++) {
                send(
                        producer,
                        input,
                        letter(
                                input,
                                1,
                                100 + i,
                                ts + i,
                                "UNKNOWN_SCHEMA",
                                CLICKS.encode(click("c" + i, ts + i)),
                                null));
            }
            send(
                    producer,
                    input,
                    letter(input, 0, 7, ts, "BAD_HEADER", "{\"ad_id\":1}".getBytes(StandardCharsets.UTF_8), null));
            send(producer, input, letter(input, 0, 8, ts, "FIELD_TOO_LONG", new byte[] {1, 2, 3}, "ab12"));
            send(
                    producer,
                    input,
                    letter(input, -1, -1, -1, "CONFLICTING_SAMPLE", CLICKS.encode(click("c9", ts)), null));
        }
        DecodingDeserializer<AdClickEvent> job =
                new DecodingDeserializer<>(AdClickEvent.class, new AdClickJob().validator(AdClickOptions.parse()));

        assertThat(DeadLetterRepair.byReason(KafkaClients.of(kafka.bootstrapServers()), input))
                .containsOnlyKeys("UNKNOWN_SCHEMA", "BAD_HEADER", "FIELD_TOO_LONG", "CONFLICTING_SAMPLE")
                .hasEntrySatisfying("UNKNOWN_SCHEMA", c -> assertThat(c.count()).isEqualTo(3));

        DeadLetterRepair.Result dry =
                DeadLetterRepair.resend(KafkaClients.of(kafka.bootstrapServers()), input, Set.of(), job, true);
        assertThat(dry.resent()).isEqualTo(3);
        assertThat(TopicReader.readCommitted(KafkaClients.of(kafka.bootstrapServers()), input))
                .isEmpty();

        DeadLetterRepair.Result result =
                DeadLetterRepair.resend(KafkaClients.of(kafka.bootstrapServers()), input, Set.of(), job, false);

        assertThat(result).isEqualTo(new DeadLetterRepair.Result(6, 3, 0, Map.of("BAD_HEADER", 1L), 1, 1));
        List<ConsumerRecord<byte[], byte[]>> resent =
                awaitCommitted(KafkaClients.of(kafka.bootstrapServers()), input, 3);
        assertThat(resent).hasSize(3).allSatisfy(r -> {
            assertThat(r.partition()).as("the partition it first came to").isEqualTo(1);
            assertThat(new String(
                            r.headers()
                                    .lastHeader(DeadLetterRepair.ORIGINAL_POSITION)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .startsWith(input + "/1/10");
            assertThat(new String(
                            r.headers()
                                    .lastHeader(DeadLetterRepair.REPAIRED_FROM)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .startsWith(input + ".dlq/0/");
        });
        assertThat(resent)
                .extracting(r -> CLICKS.decode(r.value()).getClickId())
                .containsExactlyInAnyOrder("c0", "c1", "c2");
        assertThat(resent).extracting(ConsumerRecord::timestamp).containsExactlyInAnyOrder(ts, ts + 1, ts + 2);

        DeadLetterRepair.Result again = DeadLetterRepair.resend(
                KafkaClients.of(kafka.bootstrapServers()), input, Set.of("UNKNOWN_SCHEMA"), job, false);
        assertThat(again).isEqualTo(new DeadLetterRepair.Result(3, 0, 3, Map.of(), 0, 0));
        assertThat(TopicReader.readCommitted(KafkaClients.of(kafka.bootstrapServers()), input))
                .hasSize(3);
    }

    /**
     * The topic's committed records once there are {@code n}: a committed transaction's markers reach
     * the partitions just after {@code commitTransaction} returns, and until then a read_committed
     * reader stops before its records (seen once in CI on a busy broker).
     */
    private static List<ConsumerRecord<byte[], byte[]>> awaitCommitted(KafkaClients kafka, String topic, int n)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readCommitted(kafka, topic);
        while (records.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(200);
            records = TopicReader.readCommitted(kafka, topic);
        }
        return records;
    }

    private static DeadLetter letter(
            String topic, int partition, long offset, long ts, String reason, byte[] original, String sha256) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(ts)
                .setReason(reason)
                .setDetail(reason + " at " + offset)
                .setOriginal(ByteBuffer.wrap(original))
                .setOriginalLength(original.length)
                .setOriginalSha256(sha256)
                .build();
    }

    private static AdClickEvent click(String id, long ts) {
        return AdClickEvent.newBuilder()
                .setClickId(id)
                .setAdId("ad1")
                .setClickTs(ts)
                .setUserId("u1")
                .setIp("10.0.0.1")
                .setCountry("US")
                .build();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String input, DeadLetter letter) throws Exception {
        producer.send(new ProducerRecord<>(input + ".dlq", LETTERS.encode(letter)))
                .get();
    }

    private static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }
}
