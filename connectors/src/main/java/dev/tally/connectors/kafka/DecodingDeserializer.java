package dev.tally.connectors.kafka;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.connectors.avro.FieldLimits;
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
    private final AvroCodec<T> codec;
    private final FieldLimits limits;
    private final RecordValidator<T> validator;

    public DecodingDeserializer(Class<T> type, RecordValidator<T> validator) {
        this.codec = AvroCodec.of(type);
        this.limits = FieldLimits.of(codec.schema());
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
            return Decoded.rejected(DeadLetters.of(
                    bytes, topic, partition, offset, timestamp, e.reason().name(), e.getMessage()));
        }
        // Before the job's own checks: those may read a field, and nothing may hold an oversize one.
        String tooLong = limits.violation(value);
        if (tooLong != null) {
            return Decoded.rejected(
                    DeadLetters.of(bytes, topic, partition, offset, timestamp, FieldLimits.REASON, tooLong));
        }
        RecordValidator.Rejection rejection = validator.check(value, timestamp);
        if (rejection != null) {
            return Decoded.rejected(
                    DeadLetters.of(bytes, topic, partition, offset, timestamp, rejection.reason(), rejection.detail()));
        }
        return Decoded.accepted(value);
    }

    @Override
    public TypeInformation<Decoded<T>> getProducedType() {
        return Decoded.typeInfo(codec.type());
    }
}
