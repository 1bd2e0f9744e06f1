package dev.tally.connectors.kafka;

import dev.tally.schema.common.DeadLetter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * How every dead letter is made, by the source's decoder or by a later stage: the original bytes, where
 * they were read, a reason and a detail, both cut to sizes a Kafka record can carry.
 */
public final class DeadLetters {

    private static final byte[] NO_BYTES = new byte[0];

    /**
     * Originals kept whole in a dead letter up to this size; a larger one keeps its first bytes, its
     * length and its SHA-256, so the dead letter stays under the producer's 1 MiB request limit
     * whatever the broker accepted as input.
     */
    static final int MAX_ORIGINAL_BYTES = 512 * 1024;

    private DeadLetters() {}

    /** A dead letter of {@code bytes} (null: none) read from {@code topic} at this partition, offset and timestamp. */
    public static DeadLetter of(
            byte[] bytes, String topic, int partition, long offset, long timestamp, String reason, String detail) {
        byte[] original = bytes == null ? NO_BYTES : bytes;
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(timestamp)
                .setReason(reason)
                .setDetail(detail.length() > 4096 ? detail.substring(0, 4096) + "..." : detail)
                .setOriginalLength(original.length);
        if (original.length > MAX_ORIGINAL_BYTES) {
            letter.setOriginal(ByteBuffer.wrap(Arrays.copyOf(original, MAX_ORIGINAL_BYTES)))
                    .setOriginalSha256(sha256(original));
        } else {
            letter.setOriginal(ByteBuffer.wrap(original));
        }
        return letter.build();
    }

    /**
     * A dead letter a stage behind the source makes of a record it encoded again (a conflict's refused
     * value, a point over a limit): it no longer knows where the record was read, so partition, offset
     * and timestamp are -1.
     */
    public static DeadLetter fromStage(byte[] encoded, String topic, String reason, String detail) {
        return of(encoded, topic, -1, -1, -1, reason, detail);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
