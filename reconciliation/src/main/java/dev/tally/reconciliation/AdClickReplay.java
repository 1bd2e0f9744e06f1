package dev.tally.reconciliation;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.adclick.AdClickPipeline;
import dev.tally.jobs.adclick.AdClickSinks;
import dev.tally.schema.adclick.AdClickEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Recalculates the ad-click results of a time range from the raw archive with the live job's own DAG
 * ({@link AdClickPipeline#build}) in Flink BATCH mode, into a keyspace of its own, so the live rows
 * are never touched. Every archived click counts, including those the live job found late.
 */
public final class AdClickReplay {

    static final String REPLAYED = "replayed-clicks";

    /** What to replay and where the results go. */
    public record Settings(
            Path archive,
            Instant from,
            Instant to,
            AdClickPipeline.Settings pipeline,
            String cassandra,
            String localDatacenter,
            String keyspace,
            int parallelism) {}

    /** How the replay went. */
    public record Result(long files, long archivedRecords, long replayedClicks, Duration took) {}

    private AdClickReplay() {}

    public static Result run(Settings settings, LongConsumer progress) throws Exception {
        ClickArchive archive = new ClickArchive(settings.archive());
        List<Path> files = archive.files(archive.hours(settings.from(), settings.to()));
        if (files.isEmpty()) {
            throw new IllegalArgumentException(
                    "No archived clicks for [" + settings.from() + ", " + settings.to() + ") under " + settings.archive());
        }
        long archived = ClickArchive.countRecords(files);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(settings.parallelism());
        FileSource<AdClickEvent> source =
                FileSource.forRecordStreamFormat(
                                new AvroArchiveFormat(),
                                files.stream().map(p -> new org.apache.flink.core.fs.Path(p.toUri())).toArray(org.apache.flink.core.fs.Path[]::new))
                        .build();
        long from = settings.from().toEpochMilli();
        long to = settings.to().toEpochMilli();
        DataStream<Decoded<AdClickEvent>> clicks =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "archive: " + settings.archive())
                        .uid("archive-source")
                        .filter(click -> click.getClickTs() >= from && click.getClickTs() < to)
                        .name("in-range")
                        .map(new CountReplayed(), Decoded.typeInfo(AdClickEvent.class))
                        .name("count-replayed")
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<Decoded<AdClickEvent>>noWatermarks()
                                        .withTimestampAssigner(AdClickJob::eventTime))
                        .name("event-time");
        AdClickSinks.attachCassandra(
                AdClickPipeline.build(clicks, settings.pipeline()),
                CassandraConnection.builder()
                        .contactPoints(settings.cassandra())
                        .localDatacenter(settings.localDatacenter())
                        .keyspace(settings.keyspace())
                        .build());

        long start = System.nanoTime();
        JobClient job = env.executeAsync("tally-replay-ad-clicks-" + settings.keyspace());
        while (!job.getJobExecutionResult().isDone()) {
            Thread.sleep(1000);
            try {
                Object replayed = job.getAccumulators().get().get(REPLAYED);
                if (replayed instanceof Long n) {
                    progress.accept(n);
                }
            } catch (Exception e) {
                // The job may finish between the check and the request.
            }
        }
        JobExecutionResult result = job.getJobExecutionResult().get();
        Long replayed = result.getAccumulatorResult(REPLAYED);
        return new Result(files.size(), archived, replayed == null ? 0 : replayed, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Wraps archived clicks as accepted input and counts them for the progress display. */
    static final class CountReplayed extends RichMapFunction<AdClickEvent, Decoded<AdClickEvent>> {
        private transient LongCounter replayed;

        @Override
        public void open(OpenContext openContext) {
            replayed = new LongCounter();
            getRuntimeContext().addAccumulator(REPLAYED, replayed);
        }

        @Override
        public Decoded<AdClickEvent> map(AdClickEvent click) {
            replayed.add(1);
            return Decoded.accepted(click);
        }
    }
}
