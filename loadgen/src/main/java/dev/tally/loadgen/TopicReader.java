package dev.tally.loadgen;

import dev.tally.connectors.client.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic as it stands now, committed records only (what downstream consumers see). */
public final class TopicReader {

    private TopicReader() {}

    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(KafkaClients kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        forEachCommitted(kafka, topic, records::add);
        return records;
    }

    /** Polls a whole topic as fast as one consumer can, keeping nothing: the raw consume rate. */
    public static long countCommitted(KafkaClients kafka, String topic) {
        long[] count = {0};
        forEachCommitted(kafka, topic, r -> count[0]++);
        return count[0];
    }

    /** A consumer of committed records only, of no group's offsets: assign it what it reads. */
    public static KafkaConsumer<byte[], byte[]> committedConsumer(KafkaClients kafka) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "tally-verify-" + UUID.randomUUID());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(props);
    }

    /** Assigns {@code consumer} every partition of {@code topic}, from its beginning; returns them. */
    public static List<TopicPartition> assignFromBeginning(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /** Hands every committed record of {@code topic}, from its beginning to its end offsets, to {@code action}. */
    public static void forEachCommitted(
            KafkaClients kafka, String topic, Consumer<ConsumerRecord<byte[], byte[]>> action) {
        try (KafkaConsumer<byte[], byte[]> consumer = committedConsumer(kafka)) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, topic);
            // With read_committed the end offsets are the last stable offsets: open transactions stop there.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Instant deadline = Instant.now().plusSeconds(300);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Reading " + topic + " did not reach its end offsets " + end);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(action);
            }
        }
    }
}
