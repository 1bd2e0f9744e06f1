package dev.tally.cli;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.DecodingDeserializer;
import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.TopicReader;
import dev.tally.schema.common.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Repairs a job's dead letters after the cause is fixed (a schema the codec now knows, a limit
 * raised): lists them by reason, and re-sends the originals that the job would now accept to its
 * input topic, to the partition and with the Kafka timestamp they first came with, so they are judged
 * as they would have been. Each re-sent record carries its provenance in headers, and each dead
 * letter is re-sent at most once: the re-send and a marker in {@code <input>.dlq.resent} go in one
 * Kafka transaction, and a later run skips the marked ones; two runs at once cannot both re-send one
 * (they share a transactional id, and the later fences the earlier). A repaired record was never counted
 * (it was a dead letter), so it is counted once.
 */
public final class DeadLetterRepair {

    /** Header: the dead letter a record was re-sent from, {@code <dlq topic>/<partition>/<offset>}. */
    public static final String REPAIRED_FROM = "tally.repaired-from";
    /** Header: where the original was first read, {@code <topic>/<partition>/<offset>}. */
    public static final String ORIGINAL_POSITION = "tally.original-position";

    private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);

    /** Dead letters of one reason: how many, and the detail of the first. */
    public record ReasonCount(long count, String example) {}

    /**
     * What a re-send did: dead letters of the chosen reasons examined; re-sent; skipped as re-sent
     * before; not re-sent because the job would still reject them (by today's reason); truncated
     * originals that cannot be re-sent; dead letters the job made itself (no input position).
     */
    public record Result(
            long examined,
            long resent,
            long alreadyResent,
            Map<String, Long> stillRejected,
            long truncated,
            long notFromInput) {}

    private DeadLetterRepair() {}

    /** What a re-send has found so far. */
    private static final class Counts {
        long examined;
        long sent;
        long already;
        long truncated;
        long notFromInput;
        final Map<String, Long> stillRejected = new TreeMap<>();
    }

    public static String resentTopic(String inputTopic) {
        return Topics.deadLetter(inputTopic) + ".resent";
    }

    /** The dead letters of {@code inputTopic}'s job, by reason. */
    public static Map<String, ReasonCount> byReason(KafkaClients kafka, String inputTopic) {
        Map<String, ReasonCount> reasons = new TreeMap<>();
        TopicReader.forEachCommitted(kafka, Topics.deadLetter(inputTopic), r -> {
            DeadLetter letter = deadLetter(r);
            reasons.merge(
                    letter.getReason(),
                    new ReasonCount(1, letter.getDetail()),
                    (a, b) -> new ReasonCount(a.count() + 1, a.example()));
        });
        return reasons;
    }

    /**
     * Re-sends the dead letters of the given reasons (all when empty) that {@code check}, the job's
     * own decoder and validator, now accepts. With {@code dryRun} nothing is written.
     */
    public static <T extends org.apache.avro.specific.SpecificRecord> Result resend(
            KafkaClients kafka, String inputTopic, Set<String> reasons, DecodingDeserializer<T> check, boolean dryRun)
            throws Exception {
        String dlq = Topics.deadLetter(inputTopic);
        String resent = resentTopic(inputTopic);
        if (!dryRun) {
            createMarkerTopic(kafka, resent);
        }
        Set<String> done = new HashSet<>();
        // Streamed: a dead-letter topic can hold far more than memory (originals up to 512 KiB each).
        Counts counts = new Counts();
        try (KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer(kafka, inputTopic)) {
            if (producer != null) {
                // Every repair of this input shares one transactional id: this completes (or aborts) the
                // transaction of any earlier one, so its markers are readable below, and fences a repair still
                // running, whose open transaction is aborted: no dead letter is re-sent twice.
                producer.initTransactions();
            }
            if (!dryRun || topicExists(kafka, resent)) {
                TopicReader.forEachCommitted(kafka, resent, r -> done.add(new String(r.key(), StandardCharsets.UTF_8)));
            }
            if (producer != null) {
                producer.beginTransaction();
            }
            TopicReader.forEachCommitted(kafka, dlq, record -> {
                DeadLetter letter = deadLetter(record);
                if (!reasons.isEmpty() && !reasons.contains(letter.getReason())) {
                    return;
                }
                counts.examined++;
                String position = dlq + "/" + record.partition() + "/" + record.offset();
                if (done.contains(position)) {
                    counts.already++;
                    return;
                }
                if (letter.getSourcePartition() < 0) {
                    counts.notFromInput++;
                    return;
                }
                if (letter.getOriginalSha256() != null) {
                    counts.truncated++;
                    return;
                }
                byte[] original = bytes(letter.getOriginal());
                Decoded<T> now = check.decode(
                        original,
                        inputTopic,
                        letter.getSourcePartition(),
                        letter.getSourceOffset(),
                        letter.getSourceTimestamp());
                if (!now.isAccepted()) {
                    counts.stillRejected.merge(now.deadLetter.getReason(), 1L, Long::sum);
                    return;
                }
                counts.sent++;
                if (producer == null) {
                    return;
                }
                ProducerRecord<byte[], byte[]> repaired = new ProducerRecord<>(
                        inputTopic,
                        letter.getSourcePartition(),
                        letter.getSourceTimestamp() >= 0 ? letter.getSourceTimestamp() : null,
                        null,
                        original);
                repaired.headers().add(new RecordHeader(REPAIRED_FROM, position.getBytes(StandardCharsets.UTF_8)));
                repaired.headers()
                        .add(new RecordHeader(
                                ORIGINAL_POSITION,
                                (letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/"
                                                + letter.getSourceOffset())
                                        .getBytes(StandardCharsets.UTF_8)));
                producer.send(repaired);
                producer.send(new ProducerRecord<>(
                        resent,
                        position.getBytes(StandardCharsets.UTF_8),
                        Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8)));
                if (counts.sent % 1_000 == 0) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                }
            });
            if (producer != null) {
                producer.commitTransaction();
            }
        }
        return new Result(
                counts.examined,
                counts.sent,
                counts.already,
                counts.stillRejected,
                counts.truncated,
                counts.notFromInput);
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaClients kafka, String inputTopic) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tally-dlq-repair-" + inputTopic);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(props);
    }

    private static void createMarkerTopic(KafkaClients kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(1), java.util.Optional.empty())
                            .configs(Map.of("cleanup.policy", "compact"))))
                    .all()
                    .get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static boolean topicExists(KafkaClients kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            return admin.listTopics().names().get().contains(topic);
        }
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record) {
        try {
            return DEAD_LETTERS.decode(record.value());
        } catch (AvroDecodeException e) {
            throw new IllegalStateException(
                    "Not a DeadLetter at " + record.topic() + "/" + record.partition() + "/" + record.offset(), e);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
