package dev.tally.jobs.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the raw archive's hour folders once they are older than the retention, by wall clock: the
 * archive holds personal data (user ids, IP addresses) and must not be kept longer than it is needed
 * for replays. A live job runs it as a one-subtask branch fed by a tick an hour; any Flink file system.
 */
public final class ArchiveRetention implements Sink<Long> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveRetention.class);
    private static final Duration EVERY = Duration.ofHours(1);

    private final String dir;
    private final Duration retention;

    public ArchiveRetention(String dir, Duration retention) {
        this.dir = dir;
        this.retention = retention;
    }

    /** Adds the pruning branch to {@code env}: a tick at start and then every hour, one subtask. */
    public static void attach(StreamExecutionEnvironment env, String dir, Duration retention) {
        GeneratorFunction<Long, Long> tick = n -> n;
        DataGeneratorSource<Long> ticks = new DataGeneratorSource<>(
                tick, Long.MAX_VALUE, RateLimiterStrategy.perSecond(1.0 / EVERY.toSeconds()), Types.LONG);
        env.fromSource(ticks, WatermarkStrategy.noWatermarks(), "archive retention ticks")
                .uid("raw-archive-retention-ticks")
                .setParallelism(1)
                .sinkTo(new ArchiveRetention(dir, retention))
                .uid("raw-archive-retention")
                .name("archive retention: " + retention + " " + dir)
                .setParallelism(1);
    }

    @Override
    public SinkWriter<Long> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(Long tick, Context context) {
                // A failed prune is retried at the next tick; it must not restart the job that counts.
                try {
                    List<Path> deleted =
                            prune(new Path(dir), retention, Clock.systemUTC().instant());
                    if (!deleted.isEmpty()) {
                        LOG.info(
                                "Archive retention {}: deleted {} hour folders under {}, the newest {}",
                                retention,
                                deleted.size(),
                                dir,
                                deleted.get(deleted.size() - 1));
                    }
                } catch (UncheckedIOException e) {
                    LOG.warn("Archive retention {}: could not prune {}; trying again in {}", retention, dir, EVERY, e);
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /**
     * Deletes the hour folders under {@code root} whose whole hour ended more than {@code retention}
     * before {@code now}, and day folders left empty; returns the hour folders deleted, oldest first.
     * Folders that are not the archive's ({@code dt=...}/{@code hour=...}) are left alone.
     */
    public static List<Path> prune(Path root, Duration retention, Instant now) {
        Instant cutoff = now.minus(retention);
        List<Path> deleted = new ArrayList<>();
        try {
            FileSystem fs = root.getFileSystem();
            if (!fs.exists(root)) {
                return deleted;
            }
            for (FileStatus day : sorted(fs.listStatus(root))) {
                if (!day.isDir() || !day.getPath().getName().startsWith("dt=")) {
                    continue;
                }
                FileStatus[] hours = sorted(fs.listStatus(day.getPath()));
                int kept = hours.length;
                for (FileStatus hour : hours) {
                    Optional<Instant> start = EventHourBuckets.hourOf(
                            day.getPath().getName(), hour.getPath().getName());
                    if (hour.isDir()
                            && start.isPresent()
                            && !start.get().plus(Duration.ofHours(1)).isAfter(cutoff)) {
                        fs.delete(hour.getPath(), true);
                        deleted.add(hour.getPath());
                        kept--;
                    }
                }
                if (kept == 0 && hours.length > 0) {
                    fs.delete(day.getPath(), false);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Pruning the archive under " + root, e);
        }
        return deleted;
    }

    private static FileStatus[] sorted(FileStatus[] statuses) {
        FileStatus[] copy = statuses == null ? new FileStatus[0] : statuses.clone();
        java.util.Arrays.sort(
                copy, java.util.Comparator.comparing(s -> s.getPath().getName()));
        return copy;
    }
}
