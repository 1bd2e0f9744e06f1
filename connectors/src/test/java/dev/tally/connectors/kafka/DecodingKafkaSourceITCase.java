package dev.tally.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.testing.RealServicesExtension;
import dev.tally.testing.TestKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Good and bad values read from the real broker by a Flink Kafka source: none is lost, none crashes it. */
@ExtendWith(RealServicesExtension.class)
class DecodingKafkaSourceITCase {

    private static final long NOW = 1_700_000_000_000L;

    @Test
    void acceptsGoodRecordsAndTurnsBadOnesIntoDeadLetters(TestKafka kafka) throws Exception {
        String topic = kafka.newTopic("clicks", 1);
        AvroCodec<AdClickEvent> codec = AvroCodec.of(AdClickEvent.class);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            values.add(codec.encode(click("c" + i, NOW + i)));
        }
        byte[] good = codec.encode(click("x", NOW));
        values.add(new byte[0]); // offset 100: EMPTY
        values.add("not avro".getBytes()); // 101: BAD_HEADER
        values.add(java.util.Arrays.copyOf(good, good.length - 3)); // 102: TRUNCATED
        values.add(codec.encode(click("", NOW))); // 103: MISSING_FIELD (validator)
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, 0, NOW, null, value)).get();
            }
        }

        KafkaSource<Decoded<AdClickEvent>> source = KafkaSource.<Decoded<AdClickEvent>>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(topic)
                .setGroupId("it")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new DecodingDeserializer<>(
                        AdClickEvent.class,
                        (click, ts) -> click.getClickId().isEmpty()
                                ? new RecordValidator.Rejection("MISSING_FIELD", "click_id is empty")
                                : null))
                .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<Decoded<AdClickEvent>> read = new ArrayList<>();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "clicks")
                .executeAndCollect()
                .forEachRemaining(read::add);

        assertThat(read).hasSize(104);
        assertThat(read.stream().filter(Decoded::isAccepted).map(d -> d.value.getClickId()))
                .hasSize(100)
                .doesNotHaveDuplicates();
        assertThat(read.stream()
                        .filter(d -> !d.isAccepted())
                        .collect(Collectors.toMap(d -> d.deadLetter.getSourceOffset(), d -> d.deadLetter.getReason())))
                .containsExactlyInAnyOrderEntriesOf(
                        java.util.Map.of(100L, "EMPTY", 101L, "BAD_HEADER", 102L, "TRUNCATED", 103L, "MISSING_FIELD"));
        Decoded<AdClickEvent> truncated = read.stream()
                .filter(d -> !d.isAccepted() && d.deadLetter.getSourceOffset() == 102L)
                .findFirst()
                .get();
        assertThat(truncated.deadLetter.getSourceTopic()).isEqualTo(topic);
        assertThat(truncated.deadLetter.getOriginal().remaining()).isEqualTo(good.length - 3);
        assertThat(truncated.deadLetter.getDetail()).contains("TRUNCATED");
    }

    private static AdClickEvent click(String id, long ts) {
        return AdClickEvent.newBuilder()
                .setClickId(id)
                .setAdId("ad001")
                .setClickTs(ts)
                .setCountry("US")
                .build();
    }
}
