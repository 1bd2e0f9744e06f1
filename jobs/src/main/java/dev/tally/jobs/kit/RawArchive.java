package dev.tally.jobs.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.formats.avro.AvroWriterFactory;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The raw archive of a job's accepted input: Avro container files in hour folders of event time
 * ({@code dt=yyyy-MM-dd/hour=HH}), committed on checkpoints. The replay's input.
 *
 * <p>It holds personal data (user ids, IP addresses): on a local file system its root is created
 * readable by the owner only, and a live job deletes hours past {@code --archive-retention}
 * ({@link ArchiveRetention}). {@link ArchiveEraser} removes one person's records.
 */
public final class RawArchive {

    private final Path root;

    public RawArchive(Path root) {
        this.root = root;
    }

    /**
     * Writes {@code accepted} under {@code --archive-dir} (a Flink file system URI), bucketed by event
     * hour; a live (unbounded) run also prunes it to {@code --archive-retention}.
     */
    public static <T extends SpecificRecord> void attach(
            DataStream<T> accepted, Class<T> type, EventTime<T> eventTime, JobOptions options) {
        String dir = options.archiveDir;
        createOwnerOnly(dir);
        if (!options.bounded && !options.archiveRetention.isZero()) {
            ArchiveRetention.attach(accepted.getExecutionEnvironment(), dir, options.archiveRetention);
        }
        accepted.sinkTo(FileSink.forBulkFormat(new org.apache.flink.core.fs.Path(dir), avroFiles(type))
                        .withBucketAssigner(new EventHourBuckets<>(eventTime))
                        .build())
                .uid("raw-archive-sink")
                .name("archive: " + dir);
    }

    /**
     * Creates a local archive root as {@code rwx------}, or narrows an existing one to it (files and
     * folders inside are then out of other users' reach whatever their own modes). Other file systems
     * keep their own access control.
     */
    public static void createOwnerOnly(String dir) {
        Optional<Path> local = localRoot(dir);
        if (local.isEmpty()) {
            return;
        }
        Path root = local.get();
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
        try {
            if (!Files.exists(root)) {
                Files.createDirectories(root, PosixFilePermissions.asFileAttribute(ownerOnly));
            }
            // createDirectories applies the umask; set the mode outright.
            Files.setPosixFilePermissions(root, ownerOnly);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to narrow.
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make the archive " + root + " owner-only", e);
        }
    }

    /** The local directory an archive URI ({@code --archive-dir}: a path or a {@code file:} URI) names; empty for other file systems. */
    public static Optional<Path> localRoot(String dir) {
        URI uri = URI.create(dir);
        if (uri.getScheme() == null) {
            return Optional.of(Path.of(dir));
        }
        return uri.getScheme().equals("file") ? Optional.of(Path.of(uri)) : Optional.empty();
    }

    /** Avro container files of {@code type}, like Flink's {@code AvroWriters}, with a buffered encoder. */
    public static <T extends SpecificRecord> AvroWriterFactory<T> avroFiles(Class<T> type) {
        return new AvroWriterFactory<>(out -> {
            DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type));
            // Avro's default block encoder makes a synchronized stream call per field; the buffered
            // one fills its own array (the archive took 5% of the job's samples, mostly those calls).
            writer.setEncoder(stream -> EncoderFactory.get().binaryEncoder(stream, null));
            return writer.create(SpecificData.get().getSchema(type), out);
        });
    }

    /** The hour folders that can hold records of [from, to), and exist; nothing else is read. */
    public List<Path> hours(Instant from, Instant to) {
        List<Path> hours = new ArrayList<>();
        for (Instant hour = from.truncatedTo(ChronoUnit.HOURS);
                hour.isBefore(to);
                hour = hour.plus(1, ChronoUnit.HOURS)) {
            Path dir = root.resolve(EventHourBuckets.bucketOf(hour.toEpochMilli()));
            if (Files.isDirectory(dir)) {
                hours.add(dir);
            }
        }
        return hours;
    }

    /** Committed files of those hours (in-progress and pending files start with a dot). */
    public List<Path> files(List<Path> hours) {
        List<Path> files = new ArrayList<>();
        for (Path hour : hours) {
            try (Stream<Path> list = Files.list(hour)) {
                list.filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** Records in the files, from the container blocks' counts (no record is decoded): progress's 100 %. */
    public static long countRecords(List<Path> files) {
        long total = 0;
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file);
                    DataFileStream<GenericRecord> stream = new DataFileStream<>(in, new GenericDatumReader<>())) {
                while (stream.hasNext()) {
                    total += stream.getBlockCount();
                    stream.nextBlock();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Unreadable archive file " + file, e);
            }
        }
        return total;
    }
}
