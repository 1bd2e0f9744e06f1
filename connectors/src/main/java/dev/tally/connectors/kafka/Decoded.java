package dev.tally.connectors.kafka;

import dev.tally.schema.common.DeadLetter;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * What a source read from one Kafka record: the decoded, valid value, or the dead letter that says why
 * it was rejected. Rejection happens in the source so that a bad event time never moves a watermark.
 */
public class Decoded<T extends SpecificRecord> {

    /** The accepted record, or null when rejected. */
    public T value;

    /** Why the record was rejected, with its bytes and position, or null when accepted. */
    public DeadLetter deadLetter;

    public Decoded() {}

    public static <T extends SpecificRecord> Decoded<T> accepted(T value) {
        Decoded<T> decoded = new Decoded<>();
        decoded.value = value;
        return decoded;
    }

    public static <T extends SpecificRecord> Decoded<T> rejected(DeadLetter deadLetter) {
        Decoded<T> decoded = new Decoded<>();
        decoded.deadLetter = deadLetter;
        return decoded;
    }

    public boolean isAccepted() {
        return value != null;
    }

    /** Flink type of {@code Decoded<T>}: a POJO whose fields use Avro's serializer. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T extends SpecificRecord> TypeInformation<Decoded<T>> typeInfo(Class<T> type) {
        return (TypeInformation) Types.POJO(
                Decoded.class,
                Map.of(
                        "value", new AvroTypeInfo(type),
                        "deadLetter", new AvroTypeInfo<>(DeadLetter.class)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Decoded<?> other
                && Objects.equals(value, other.value)
                && Objects.equals(deadLetter, other.deadLetter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, deadLetter);
    }

    @Override
    public String toString() {
        return isAccepted() ? "Accepted(" + value + ")" : "Rejected(" + deadLetter + ")";
    }
}
