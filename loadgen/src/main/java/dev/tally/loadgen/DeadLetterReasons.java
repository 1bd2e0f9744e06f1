package dev.tally.loadgen;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.schema.common.DeadLetter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** How many dead letters a job wrote for each reason, for the verifiers' reports. */
public final class DeadLetterReasons {

    private DeadLetterReasons() {}

    public static Map<String, Long> of(List<ConsumerRecord<byte[], byte[]>> deadLetters) {
        AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class);
        Map<String, Long> reasons = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
            String reason;
            try {
                reason = codec.decode(r.value()).getReason();
            } catch (AvroDecodeException e) {
                reason = "(not a DeadLetter)";
            }
            reasons.merge(reason, 1L, Long::sum);
        }
        return reasons;
    }
}
