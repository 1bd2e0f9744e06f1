package dev.tally.connectors.kafka;

import dev.tally.connectors.avro.AvroCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Kafka sink serializer: a string key chosen by the caller and the Avro single-object encoded value,
 * stamped with the record's event time, or with the time it is sent for results whose event time may
 * lie ahead of the clock (brokers refuse timestamps more than {@code
 * log.message.timestamp.after.max.ms}, 1 h by default, ahead of theirs).
 */
public final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final AvroCodec<T> codec;
    private final SerializableFunction<T, String> key;
    private final boolean eventTimeStamps;

    public AvroRecordSerializer(String topic, Class<T> type, SerializableFunction<T, String> key) {
        this(topic, type, key, true);
    }

    /** {@code eventTimeStamps} false: each record stamped with the time the producer sends it. */
    public AvroRecordSerializer(
            String topic, Class<T> type, SerializableFunction<T, String> key, boolean eventTimeStamps) {
        this.topic = topic;
        this.codec = AvroCodec.of(type);
        this.key = key;
        this.eventTimeStamps = eventTimeStamps;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {}

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(element);
        return new ProducerRecord<>(
                topic,
                null,
                eventTimeStamps ? timestamp : null,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                codec.encode(element));
    }
}
