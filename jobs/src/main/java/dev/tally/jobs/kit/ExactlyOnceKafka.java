package dev.tally.jobs.kit;

import dev.tally.connectors.kafka.AvroRecordSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.util.function.SerializableFunction;

/** The exactly-once Kafka sink of every job's result and dead-letter topics. */
public final class ExactlyOnceKafka {

    private ExactlyOnceKafka() {}

    /**
     * Avro records of {@code type} to {@code topic}, keyed by {@code key}, committed with the
     * checkpoints. {@code name} makes the transactional ids unique per sink: two sinks sharing them
     * would fence each other.
     */
    public static <T extends SpecificRecord> KafkaSink<T> sink(
            JobOptions options, String topic, Class<T> type, SerializableFunction<T, String> key, String name) {
        return sink(options, topic, new AvroRecordSerializer<>(topic, type, key), name);
    }

    /**
     * {@link #sink}, each record stamped with the time it is sent rather than its event time: for
     * results whose event time may lie ahead of the clock (a window ending a week after the last input,
     * emitted when a bounded input ends), which a broker refuses.
     */
    public static <T extends SpecificRecord> KafkaSink<T> sinkStampedOnSend(
            JobOptions options, String topic, Class<T> type, SerializableFunction<T, String> key, String name) {
        return sink(options, topic, new AvroRecordSerializer<>(topic, type, key, false), name);
    }

    private static <T extends SpecificRecord> KafkaSink<T> sink(
            JobOptions options, String topic, AvroRecordSerializer<T> serializer, String name) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(options.kafka().clientProperties())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(options.transactionalIdPrefix + "-" + name)
                .setProperty("transaction.timeout.ms", Long.toString(options.transactionTimeout.toMillis()))
                // Results become visible only when the checkpoint commits the transaction, so waiting
                // to fill larger, compressed batches costs no latency readers can see. At 20 ms each
                // partition's batch held a few kilobytes, and opening a batch (its lz4 stream and
                // buffers) was a third of the producer's cost in the task thread.
                .setProperty("linger.ms", "200")
                .setProperty("batch.size", Integer.toString(256 * 1024))
                .setProperty("compression.type", "lz4")
                .build();
    }
}
