package dev.tally.testing;

import dev.tally.stack.KafkaService;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The test run's real Kafka broker; each test creates its own topics. */
public final class TestKafka {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final KafkaService kafka;

    TestKafka(KafkaService kafka) {
        this.kafka = kafka;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Creates a topic with a name no other test uses and returns the name. */
    public String newTopic(String prefix, int partitions) {
        return newTopic(prefix, partitions, Map.of());
    }

    /** Creates a topic as {@link #newTopic(String, int)} does, with this topic configuration. */
    public String newTopic(String prefix, int partitions, Map<String, String> configs) {
        String name = prefix + "-" + COUNTER.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)));
        return name;
    }

    /** Creates single-partition topics with exactly these names (e.g. a job's derived .dlq topic). */
    public void createTopics(String... names) {
        Map<String, Integer> topics = new java.util.HashMap<>();
        for (String name : names) {
            topics.put(name, 1);
        }
        kafka.createTopics(topics);
    }

    /**
     * Creates topics with fixed names (a savepoint fixture's, say) from nothing: topics of these names
     * left by an earlier attempt are deleted first, with the groups' committed offsets, so that a
     * rerun sees what a first run sees.
     */
    public void recreateTopics(Collection<NewTopic> topics, Collection<String> groups) throws Exception {
        List<String> names = topics.stream().map(NewTopic::name).toList();
        try (Admin admin = admin()) {
            try {
                admin.deleteConsumerGroups(groups).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
            }
            kafka.deleteTopics(names);
            // Deletion completes in the background: a name can be taken again once it is gone.
            Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
            while (admin.listTopics().names().get().stream().anyMatch(names::contains)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Topics " + names + " still exist a minute after deletion");
                }
                Thread.sleep(200);
            }
            admin.createTopics(topics).all().get();
        }
    }

    public Admin admin() {
        return kafka.admin();
    }

    /** Producer settings for byte[] keys and values. */
    public Properties producerProperties() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /** Consumer settings for byte[] keys and values, reading committed records only. */
    public Properties readCommittedConsumerProperties() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }
}
