package dev.tally.jobs.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * Removes one person's records from a local raw archive (a data-subject erasure): every committed
 * file of [from, to) that holds a record whose {@code field} equals {@code value} is rewritten without
 * them, under a hidden name first and then moved over the original, so a replay reading at the same
 * time sees the old file or the new one, never half of one. Files still being written (hidden names)
 * are not touched: run it again after the job's next checkpoint has committed them.
 */
public final class ArchiveEraser {

    /** What an erasure found and did. */
    public record Report(int filesScanned, int filesRewritten, long recordsErased, long recordsKept) {}

    private ArchiveEraser() {}

    public static Report erase(Path root, Instant from, Instant to, String field, String value, boolean dryRun) {
        RawArchive archive = new RawArchive(root);
        int scanned = 0;
        int rewritten = 0;
        long erased = 0;
        long kept = 0;
        for (Path file : archive.files(archive.hours(from, to))) {
            scanned++;
            long matches = count(file, field, value);
            if (matches == 0) {
                continue;
            }
            kept += dryRun ? 0 : rewriteWithout(file, field, value);
            erased += matches;
            rewritten++;
        }
        return new Report(scanned, rewritten, erased, kept);
    }

    private static long count(Path file, String field, String value) {
        long matches = 0;
        try (InputStream in = Files.newInputStream(file);
                DataFileStream<GenericRecord> records = new DataFileStream<>(in, new GenericDatumReader<>())) {
            requireField(records.getSchema(), field, file);
            for (GenericRecord record : records) {
                if (matches(record, field, value)) {
                    matches++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable archive file " + file, e);
        }
        return matches;
    }

    /** Rewrites {@code file} without the matching records, with its schema and codec; returns the records kept. */
    private static long rewriteWithout(Path file, String field, String value) {
        Path temp = file.resolveSibling(".erasing-" + file.getFileName());
        long kept = 0;
        try (InputStream in = Files.newInputStream(file);
                DataFileStream<GenericRecord> records = new DataFileStream<>(in, new GenericDatumReader<>());
                OutputStream out = Files.newOutputStream(temp);
                DataFileWriter<GenericRecord> writer =
                        new DataFileWriter<>(new GenericDatumWriter<>(records.getSchema()))) {
            String codec = records.getMetaString(DataFileConstants.CODEC);
            writer.setCodec(codec == null ? CodecFactory.nullCodec() : CodecFactory.fromString(codec));
            writer.create(records.getSchema(), out);
            for (GenericRecord record : records) {
                if (!matches(record, field, value)) {
                    writer.append(record);
                    kept++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rewrite archive file " + file, e);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot replace archive file " + file, e);
        }
        return kept;
    }

    private static void requireField(Schema schema, String field, Path file) {
        if (schema.getField(field) == null) {
            throw new IllegalArgumentException("The records of " + file + " (" + schema.getFullName()
                    + ") have no field '" + field + "'; fields: "
                    + schema.getFields().stream().map(Schema.Field::name).toList());
        }
    }

    private static boolean matches(GenericRecord record, String field, String value) {
        Object actual = record.get(field);
        return actual != null && Objects.equals(actual.toString(), value);
    }
}
