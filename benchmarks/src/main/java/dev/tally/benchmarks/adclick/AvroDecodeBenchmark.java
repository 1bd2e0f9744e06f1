package dev.tally.benchmarks.adclick;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.DecodingDeserializer;
import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.schema.adclick.AdClickEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The source's per-record cost: Avro single-object decoding, encoding, and decode + validation. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AvroDecodeBenchmark {

    /** A power of two, so the cursor wraps with a mask. */
    private static final int POOL = 1 << 16;

    /** Encoded clicks as the generator writes them to Kafka, malformed ones included. */
    @State(Scope.Thread)
    public static class KafkaValues {
        AvroCodec<AdClickEvent> codec;
        DecodingDeserializer<AdClickEvent> deserializer;

        /** Every record, faults included: the source's real input. */
        byte[][] values;

        long[] kafkaTimestamps;
        /** Only the values that decode, so {@code decode} never measures the exception path. */
        byte[][] decodable;

        AdClickEvent[] clicks;

        private int next;

        @Setup
        public void generate() throws AvroDecodeException {
            List<GeneratedRecord> records =
                    Clicks.records(Clicks.withFaults(POOL, Clicks.CLICKS_PER_SECOND_PER_SUBTASK, 0.01));
            codec = AvroCodec.of(AdClickEvent.class);
            deserializer = Clicks.deserializer();
            values = new byte[POOL][];
            kafkaTimestamps = new long[POOL];
            decodable = new byte[POOL][];
            clicks = new AdClickEvent[POOL];
            int valid = 0;
            for (int i = 0; i < POOL; i++) {
                GeneratedRecord record = records.get(i);
                values[i] = record.value();
                kafkaTimestamps[i] = record.timestamp();
                if (record.kind() != GeneratedRecord.Kind.MALFORMED) {
                    decodable[valid] = record.value();
                    clicks[valid] = codec.decode(record.value());
                    valid++;
                }
            }
            // Refill the malformed records' slots so every array is full and the mask works.
            for (int i = valid; i < POOL; i++) {
                decodable[i] = decodable[i - valid];
                clicks[i] = clicks[i - valid];
            }
        }

        int next() {
            int i = next;
            next = (i + 1) & (POOL - 1);
            return i;
        }
    }

    @Benchmark
    public AdClickEvent decode(KafkaValues s) throws AvroDecodeException {
        return s.codec.decode(s.decodable[s.next()]);
    }

    @Benchmark
    public byte[] encode(KafkaValues s) {
        return s.codec.encode(s.clicks[s.next()]);
    }

    /** What the Kafka source runs per record: decode, ClickValidator, dead letter on rejection. */
    @Benchmark
    public Decoded<AdClickEvent> decodeAndValidate(KafkaValues s) {
        int i = s.next();
        return s.deserializer.decode(s.values[i], Topics.AD_CLICKS, 0, i, s.kafkaTimestamps[i]);
    }
}
