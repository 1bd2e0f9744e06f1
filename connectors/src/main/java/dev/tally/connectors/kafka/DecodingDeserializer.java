package dev.tally.connectors.kafka;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.schema.common.DeadLetter;
import java.nio.ByteBuffer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka source deserializer: decodes and validates each value, and turns every failure into a dead
 * letter carrying the original bytes and the topic/partition/offset. It never throws on bad input.
 */
public final class DecodingDeserializer<T extends SpecificRecord>
        implements KafkaRecordDeserializationSchema<Decoded<T>> {

    private static final long serialVersionUID = 1L;
    private static final byte[] NO_BYTES = new byte[0];

    private final AvroCodec<T> codec;
    private final RecordValidator<T> validator;

    public DecodingDeserializer(Class<T> type, RecordValidator<T> validator) {
        this.codec = AvroCodec.of(type);
        this.validator = validator;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<T>> out) {
        out.collect(decode(record.value(), record.topic(), record.partition(), record.offset(), record.timestamp()));
    }

    /** Decodes one value read at the given position. */
    public Decoded<T> decode(byte[] bytes, String topic, int partition, long offset, long timestamp) {
        T value;
        try {
            value = codec.decode(bytes);
        } catch (AvroDecodeException e) {
            return Decoded.rejected(
                    deadLetter(bytes, topic, partition, offset, timestamp, e.reason().name(), e.getMessage()));
        }
        RecordValidator.Rejection rejection = validator.check(value, timestamp);
        if (rejection != null) {
            return Decoded.rejected(
                    deadLetter(bytes, topic, partition, offset, timestamp, rejection.reason(), rejection.detail()));
        }
        return Decoded.accepted(value);
    }

    private static DeadLetter deadLetter(
            byte[] bytes, String topic, int partition, long offset, long timestamp, String reason, String detail) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(timestamp)
                .setReason(reason)
                .setDetail(detail)
                .setOriginal(ByteBuffer.wrap(bytes == null ? NO_BYTES : bytes))
                .build();
    }

    @Override
    public TypeInformation<Decoded<T>> getProducedType() {
        return Decoded.typeInfo(codec.type());
    }
}
