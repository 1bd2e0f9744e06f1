package dev.tally.reconciliation;

import dev.tally.jobs.adclick.EventHourBuckets;
import dev.tally.schema.adclick.AdClickEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/** The raw click archive on a local or mounted file system: hour folders of event time. */
public final class ClickArchive {

    private final Path root;

    public ClickArchive(Path root) {
        this.root = root;
    }

    /** The hour folders that can hold clicks of [from, to), and exist; nothing else is read. */
    public List<Path> hours(Instant from, Instant to) {
        List<Path> hours = new ArrayList<>();
        for (Instant hour = from.truncatedTo(ChronoUnit.HOURS); hour.isBefore(to); hour = hour.plus(1, ChronoUnit.HOURS)) {
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
                list.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(files::add);
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

    static boolean inRange(AdClickEvent click, Instant from, Instant to) {
        return click.getClickTs() >= from.toEpochMilli() && click.getClickTs() < to.toEpochMilli();
    }
}
