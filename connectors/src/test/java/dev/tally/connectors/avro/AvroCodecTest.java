package dev.tally.connectors.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.common.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroCodecTest {

    private final AvroCodec<AdClickEvent> codec = AvroCodec.of(AdClickEvent.class);

    private static AdClickEvent click() {
        return AdClickEvent.newBuilder()
                .setClickId("c-1")
                .setAdId("ad001")
                .setClickTs(1_609_459_201_000L)
                .setUserId("user1")
                .setIp("207.148.22.22")
                .setCountry("USA")
                .build();
    }

    @Test
    void roundTrips() throws Exception {
        byte[] bytes = codec.encode(click());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(codec.decode(bytes)).isEqualTo(click());
        AdClickEvent noOptionals = AdClickEvent.newBuilder(click()).setUserId(null).setIp(null).setCountry(null).build();
        assertThat(codec.decode(codec.encode(noOptionals))).isEqualTo(noOptionals);
    }

    @Test
    void headerCarriesTheWriterSchemaFingerprint() {
        byte[] bytes = codec.encode(click());
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(AdClickEvent.getClassSchema()));
    }

    @Test
    void readsRecordsWrittenWithAnEarlierSchemaVersion() throws Exception {
        Schema v1;
        try (InputStream in =
                getClass().getResourceAsStream("/avro-history/dev.tally.schema.adclick.AdClickEvent/v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        GenericRecord old = new GenericData.Record(v1);
        old.put("click_id", "c-9");
        old.put("ad_id", "ad002");
        old.put("click_ts", 42L);
        old.put("user_id", "user2");
        old.put("ip", null);

        AdClickEvent decoded = codec.decode(singleObject(v1, old));

        assertThat(decoded.getClickId()).isEqualTo("c-9");
        assertThat(decoded.getAdId()).isEqualTo("ad002");
        assertThat(decoded.getClickTs()).isEqualTo(42L);
        assertThat(decoded.getUserId()).isEqualTo("user2");
        assertThat(decoded.getCountry()).as("field added later takes its default").isNull();
    }

    @Test
    void unknownFingerprintIsATypedError() {
        byte[] otherRecord = AvroCodec.of(DeadLetter.class).encode(deadLetter());
        assertThatThrownBy(() -> codec.decode(otherRecord))
                .isInstanceOfSatisfying(
                        AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(AvroDecodeException.Reason.UNKNOWN_SCHEMA))
                .hasMessageContaining("fingerprint");
    }

    @Test
    void emptyAndNullValues() {
        assertReason(null, AvroDecodeException.Reason.EMPTY);
        assertReason(new byte[0], AvroDecodeException.Reason.EMPTY);
    }

    @Test
    void wrongMarkerIsABadHeader() {
        assertReason("{\"ad_id\":\"ad001\"}".getBytes(), AvroDecodeException.Reason.BAD_HEADER);
        byte[] bytes = codec.encode(click());
        bytes[1] = 0x02;
        assertReason(bytes, AvroDecodeException.Reason.BAD_HEADER);
    }

    @Test
    void everyTruncationIsReportedNotThrown() {
        byte[] bytes = codec.encode(click());
        for (int length = 1; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertReason(cut, AvroDecodeException.Reason.TRUNCATED);
        }
    }

    @Test
    void trailingBytesAreCorrupt() {
        byte[] bytes = codec.encode(click());
        assertReason(Arrays.copyOf(bytes, bytes.length + 3), AvroDecodeException.Reason.CORRUPT);
    }

    @Test
    void corruptBodiesNeverEscapeAsAnythingButTheTypedError() {
        byte[] valid = codec.encode(click());
        Random random = new Random(7);
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                // Keep the header so the body decoder is exercised.
                bytes[10 + random.nextInt(bytes.length - 10)] = (byte) random.nextInt(256);
            }
            try {
                codec.decode(bytes);
            } catch (AvroDecodeException e) {
                assertThat(e.reason())
                        .isIn(AvroDecodeException.Reason.CORRUPT, AvroDecodeException.Reason.TRUNCATED);
                rejected++;
            }
        }
        assertThat(rejected).as("most random corruptions are detected").isGreaterThan(1000);
    }

    @Test
    void decodesAfterErrors() throws Exception {
        assertReason(new byte[] {(byte) 0xC3, 0x01, 0}, AvroDecodeException.Reason.TRUNCATED);
        assertThat(codec.decode(codec.encode(click()))).isEqualTo(click());
    }

    private void assertReason(byte[] bytes, AvroDecodeException.Reason reason) {
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageStartingWith(reason.name());
    }

    private static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("t")
                .setSourcePartition(0)
                .setSourceOffset(1)
                .setSourceTimestamp(2)
                .setReason("CORRUPT")
                .setDetail("x")
                .setOriginal(ByteBuffer.wrap(new byte[] {1}))
                .build();
    }

    private static byte[] singleObject(Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        long fp = SchemaNormalization.parsingFingerprint64(schema);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fp >>> (8 * i)) & 0xFF);
        }
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
