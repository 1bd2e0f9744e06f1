package dev.tally.connectors.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.leaderboard.MatchResult;
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
        AdClickEvent noOptionals = AdClickEvent.newBuilder(click())
                .setUserId(null)
                .setIp(null)
                .setCountry(null)
                .build();
        assertThat(codec.decode(codec.encode(noOptionals))).isEqualTo(noOptionals);
    }

    @Test
    void headerCarriesTheWriterSchemaFingerprint() {
        byte[] bytes = codec.encode(click());
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(AdClickEvent.getClassSchema()));
    }

    @Test
    void readsRecordsWrittenWithAnEarlierSchemaVersion() throws Exception {
        // MatchResult v1 had no revision: a result from a producer that never heard of corrections.
        Schema v1 = released(MatchResult.class.getName(), 1);
        assertThat(v1.getField("revision")).isNull();
        GenericRecord old = new GenericData.Record(v1);
        old.put("match_id", "m-9");
        old.put("game", "chess");
        old.put("user_id", "ann");
        old.put("points", 1);
        old.put("ts", 42L);

        MatchResult decoded = AvroCodec.of(MatchResult.class).decode(singleObject(v1, old));

        assertThat(decoded.getMatchId()).isEqualTo("m-9");
        assertThat(decoded.getPoints()).isEqualTo(1);
        assertThat(decoded.getTs()).isEqualTo(42L);
        assertThat(decoded.getRevision())
                .as("field added later takes its default")
                .isZero();
    }

    /** Records written with every released schema of every topic's record decode with today's codec, field by field. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("records")
    void everyReleasedWriterSchemaDecodes(String fullName) throws Exception {
        @SuppressWarnings("unchecked")
        Class<org.apache.avro.specific.SpecificRecord> type =
                (Class<org.apache.avro.specific.SpecificRecord>) Class.forName(fullName);
        AvroCodec<org.apache.avro.specific.SpecificRecord> current = AvroCodec.of(type);
        int versions = 0;
        for (int v = 1; released(fullName, v) != null; v++, versions++) {
            Schema writer = released(fullName, v);
            for (Object random : new org.apache.avro.util.RandomData(writer, 20, 7L * v)) {
                GenericRecord written = (GenericRecord) random;
                org.apache.avro.specific.SpecificRecord decoded = current.decode(singleObject(writer, written));
                for (Schema.Field field : writer.getFields()) {
                    Schema.Field now = decoded.getSchema().getField(field.name());
                    if (now != null) {
                        assertThat(comparable(decoded.get(now.pos())))
                                .as("%s v%d field %s", fullName, v, field.name())
                                .isEqualTo(comparable(written.get(field.pos())));
                    }
                }
            }
        }
        assertThat(versions).as("released versions of %s", fullName).isPositive();
    }

    /** A value as text, maps in key order (a decoded map is a HashMap of String, a written one of Utf8). */
    private static String comparable(Object value) {
        if (value instanceof java.util.Map<?, ?> map) {
            java.util.Map<String, String> sorted = new java.util.TreeMap<>();
            map.forEach((k, v) -> sorted.put(k.toString(), comparable(v)));
            return sorted.toString();
        }
        return GenericData.get().toString(value);
    }

    /** The topics' records, as avro-history/records (tally-schemas) lists them. */
    static java.util.List<String> records() throws Exception {
        try (InputStream in = AvroCodecTest.class.getResourceAsStream("/avro-history/records")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .toList();
        }
    }

    /** Version {@code v} of a record under avro-history/ (tally-schemas), or null. */
    private static Schema released(String fullName, int v) throws Exception {
        try (InputStream in =
                AvroCodecTest.class.getResourceAsStream("/avro-history/" + fullName + "/v" + v + ".avsc")) {
            return in == null ? null : new Schema.Parser().parse(in);
        }
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
                assertThat(e.reason()).isIn(AvroDecodeException.Reason.CORRUPT, AvroDecodeException.Reason.TRUNCATED);
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
                .isInstanceOfSatisfying(
                        AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
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
