package dev.tally.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.FieldLimits;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.common.DeadLetter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Oversize fields and oversize records become dead letters that can always be written. */
class DecodingDeserializerTest {

    private final AvroCodec<AdClickEvent> codec = AvroCodec.of(AdClickEvent.class);
    private final DecodingDeserializer<AdClickEvent> deserializer =
            new DecodingDeserializer<>(AdClickEvent.class, (click, ts) -> null);

    @Test
    void aClickWithinItsFieldLimitsIsAccepted() {
        Decoded<AdClickEvent> decoded = decode(click("c".repeat(128), "a".repeat(128), "US"));
        assertThat(decoded.deadLetter).isNull();
        assertThat(decoded.value.getAdId()).hasSize(128);
    }

    /** The click that once vanished: counted nowhere, refused by Cassandra, no dead letter. */
    @Test
    void aClickWhoseAdIdIs70000CharactersLongIsADeadLetter() {
        byte[] bytes = codec.encode(click("c1", "a".repeat(70_000), "US"));
        Decoded<AdClickEvent> decoded = deserializer.decode(bytes, "ad-clicks", 2, 42, 1000);
        assertThat(decoded.value).isNull();
        assertThat(decoded.deadLetter.getReason()).isEqualTo("FIELD_TOO_LONG");
        assertThat(decoded.deadLetter.getDetail()).isEqualTo("ad_id is 70000 characters long, over its limit of 128");
        assertThat(decoded.deadLetter.getOriginal()).isEqualTo(ByteBuffer.wrap(bytes));
        assertThat(decoded.deadLetter.getOriginalLength()).isEqualTo(bytes.length);
        assertThat(decoded.deadLetter.getOriginalSha256()).isNull();
    }

    @Test
    void anOptionalFieldOverItsLimitIsADeadLetterToo() {
        assertThat(decode(click("c1", "ad1", "X".repeat(17))).deadLetter.getDetail())
                .isEqualTo("country is 17 characters long, over its limit of 16");
    }

    @Test
    void aFieldWithoutItsOwnLimitHasTheDefault() {
        DeadLetter letter =
                DeadLetters.of(new byte[0], "t".repeat(FieldLimits.DEFAULT_MAX_LENGTH + 1), 0, 0, 0, "R", "d");
        assertThat(FieldLimits.of(DeadLetter.getClassSchema()).violation(letter))
                .isEqualTo("source_topic is 1025 characters long, over its limit of 1024");
    }

    @Test
    void aRecordTooLargeToCopyKeepsItsFirstBytesItsLengthAndItsHash() throws Exception {
        byte[] huge = new byte[2 * 1024 * 1024];
        new Random(3).nextBytes(huge);
        DeadLetter letter = deserializer.decode(huge, "ad-clicks", 0, 7, 1000).deadLetter;
        assertThat(letter.getOriginal().remaining()).isEqualTo(DeadLetters.MAX_ORIGINAL_BYTES);
        assertThat(letter.getOriginal().get(0)).isEqualTo(huge[0]);
        assertThat(letter.getOriginalLength()).isEqualTo(huge.length);
        assertThat(letter.getOriginalSha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(huge)));
        // Under the producer's default max.request.size (1 MiB), so the dead-letter write cannot fail on size.
        assertThat(AvroCodec.of(DeadLetter.class).encode(letter).length).isLessThan(1024 * 1024);
    }

    private Decoded<AdClickEvent> decode(AdClickEvent click) {
        return deserializer.decode(codec.encode(click), "ad-clicks", 0, 1, 1000);
    }

    private static AdClickEvent click(String clickId, String adId, String country) {
        return AdClickEvent.newBuilder()
                .setClickId(clickId)
                .setAdId(adId)
                .setClickTs(1000)
                .setCountry(country)
                .build();
    }
}
