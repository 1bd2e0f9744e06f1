package dev.tally.jobs.kit;

import dev.tally.connectors.client.KafkaClients;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The offsets of a topic between two Kafka timestamps, as the bounded replay source reads them. */
public final class KafkaRange {

    private KafkaRange() {}

    /**
     * Records from the first stamped at or after {@code startMillis} to the first stamped at or
     * after {@code endMillis} (or the end of the partition), summed over the partitions.
     */
    public static long recordsBetween(KafkaClients kafka, String topic, long startMillis, long endMillis) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Duration timeout = Duration.ofSeconds(30);
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, OffsetAndTimestamp> first =
                    consumer.offsetsForTimes(at(partitions, startMillis), timeout);
            Map<TopicPartition, OffsetAndTimestamp> last = consumer.offsetsForTimes(at(partitions, endMillis), timeout);
            long total = 0;
            for (TopicPartition partition : partitions) {
                long end = ends.get(partition);
                long from = first.get(partition) == null
                        ? end
                        : first.get(partition).offset();
                long to =
                        last.get(partition) == null ? end : last.get(partition).offset();
                total += Math.max(0, to - from);
            }
            return total;
        }
    }

    private static Map<TopicPartition, Long> at(List<TopicPartition> partitions, long millis) {
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, millis));
        return times;
    }
}
