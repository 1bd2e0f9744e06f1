package dev.tally.connectors.avro;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Kafka value codec for one Avro record class in single-object encoding: {@code C3 01}, the 8-byte
 * CRC-64-AVRO fingerprint of the writer schema, then the binary record. Reads every writer schema it
 * knows: the current one and the earlier versions kept as resources
 * {@code avro-history/<full name>/v1.avsc, v2.avsc, ...}, resolved to the current reader schema.
 *
 * <p>Not thread-safe (it reuses its buffers); create one per operator instance. Serializable, so a
 * function can hold one and it is set up on first use after deserialization.
 */
public final class AvroCodec<T extends SpecificRecord> implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    private static final int HEADER_LENGTH = 10;

    private final Class<T> type;

    private transient Schema schema;
    private transient byte[] header;
    private transient Map<Long, SpecificDatumReader<T>> readers;
    private transient SpecificDatumWriter<T> writer;
    private transient ByteArrayOutputStream out;
    private transient BinaryEncoder encoder;
    private transient BinaryDecoder decoder;

    private AvroCodec(Class<T> type) {
        this.type = type;
    }

    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type);
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        init();
        return schema;
    }

    public byte[] encode(T record) {
        init();
        out.reset();
        out.write(header, 0, header.length);
        // Buffered: the record reaches the stream in one write, not one synchronized write per field.
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public T decode(byte[] bytes) throws AvroDecodeException {
        return decode(bytes, null);
    }

    /** Decodes one value, reusing {@code reuse} where possible; never throws anything but the typed error. */
    public T decode(byte[] bytes, T reuse) throws AvroDecodeException {
        init();
        if (bytes == null || bytes.length == 0) {
            throw new AvroDecodeException(AvroDecodeException.Reason.EMPTY, "the value has no bytes");
        }
        if (bytes[0] != MARKER_0 || (bytes.length > 1 && bytes[1] != MARKER_1)) {
            throw new AvroDecodeException(
                    AvroDecodeException.Reason.BAD_HEADER,
                    String.format(
                            "expected Avro single-object marker C3 01, got %02X%s",
                            bytes[0], bytes.length > 1 ? String.format(" %02X", bytes[1]) : ""));
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new AvroDecodeException(
                    AvroDecodeException.Reason.TRUNCATED,
                    "the value has " + bytes.length + " bytes, fewer than the 10-byte header");
        }
        long fingerprint = 0;
        for (int i = HEADER_LENGTH - 1; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xFF);
        }
        SpecificDatumReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            throw new AvroDecodeException(
                    AvroDecodeException.Reason.UNKNOWN_SCHEMA,
                    String.format("no known %s schema has fingerprint %016X", type.getSimpleName(), fingerprint));
        }
        decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, decoder);
        T record;
        try {
            record = reader.read(reuse, decoder);
        } catch (EOFException e) {
            throw new AvroDecodeException(
                    AvroDecodeException.Reason.TRUNCATED, "the record ends early (" + bytes.length + " bytes)");
        } catch (IOException | RuntimeException e) {
            // Corrupt lengths and tags surface as assorted runtime exceptions inside Avro.
            throw new AvroDecodeException(
                    AvroDecodeException.Reason.CORRUPT, "the record body does not decode: " + e, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new AvroDecodeException(AvroDecodeException.Reason.CORRUPT, "bytes left over after the record");
            }
        } catch (IOException e) {
            throw new AvroDecodeException(AvroDecodeException.Reason.CORRUPT, e.toString(), e);
        }
        return record;
    }

    private void init() {
        if (schema != null) {
            return;
        }
        schema = SpecificData.get().getSchema(type);
        long own = SchemaNormalization.parsingFingerprint64(schema);
        header = new byte[HEADER_LENGTH];
        header[0] = MARKER_0;
        header[1] = MARKER_1;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (own >>> (8 * i));
        }
        readers = new HashMap<>();
        readers.put(own, new SpecificDatumReader<>(schema, schema, SpecificData.getForClass(type)));
        for (Schema older : history(schema.getFullName())) {
            readers.putIfAbsent(
                    SchemaNormalization.parsingFingerprint64(older),
                    new SpecificDatumReader<>(older, schema, SpecificData.getForClass(type)));
        }
        writer = new SpecificDatumWriter<>(schema, SpecificData.getForClass(type));
        out = new ByteArrayOutputStream(256);
    }

    /** Earlier writer schemas of a record, from {@code avro-history/<full name>/vN.avsc} resources. */
    private static Iterable<Schema> history(String fullName) {
        java.util.List<Schema> versions = new java.util.ArrayList<>();
        ClassLoader loader = AvroCodec.class.getClassLoader();
        for (int version = 1; ; version++) {
            try (InputStream in = loader.getResourceAsStream("avro-history/" + fullName + "/v" + version + ".avsc")) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException | AvroRuntimeException e) {
                throw new IllegalStateException("Unreadable schema history of " + fullName + " v" + version, e);
            }
        }
    }
}
