package dev.tally.reconciliation;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.jobs.adclick.AdClickPipeline;
import dev.tally.jobs.adclick.AdClickSinks;
import dev.tally.schema.adclick.AdClickEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Recalculates the ad-click results of a time range with the live job's own DAG
 * ({@link AdClickPipeline#build}) in Flink BATCH mode, into a keyspace of its own, so the live rows
 * are never touched. The input is the raw Avro archive (only the hour folders of the range) or the
 * input topic bounded by Kafka timestamps. Every click counts, including those the live job found
 * late.
 */
public final class AdClickReplay {

    static final String READ = "read-records";
    static final String REPLAYED = "replayed-clicks";

    /** Where the raw clicks come from. */
    public sealed interface Input permits Archive, KafkaTopic {}

    /** The live job's Avro archive (its {@code --archive-dir}). */
    public record Archive(Path dir) implements Input {}

    /**
     * The live job's input topic, read from the first record stamped at or after {@code from -
     * margin} up to the first stamped at or after {@code to + margin}: a click of the range is
     * replayed if its Kafka timestamp is within {@code margin} of its click time. Records are
     * decoded and validated exactly as the live job does; rejected ones are skipped.
     */
    public record KafkaTopic(String bootstrapServers, String topic, Duration margin) implements Input {}

    /** What to replay and where the results go. */
    public record Settings(
            Input input,
            Instant from,
            Instant to,
            AdClickPipeline.Settings pipeline,
            String cassandra,
            String localDatacenter,
            String keyspace,
            int parallelism) {}

    /** How the replay went: input records read of those expected, clicks of the range replayed. */
    public record Result(String input, long inputRecords, long replayedClicks, Duration took) {}

    /** Called about once a second with the records read so far and the total expected. */
    @FunctionalInterface
    public interface Progress {
        void update(long read, long total);
    }

    private AdClickReplay() {}

    public static Result run(Settings settings, Progress progress) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(settings.parallelism());
        long from = settings.from().toEpochMilli();
        long to = settings.to().toEpochMilli();

        Source source =
                settings.input() instanceof Archive archive
                        ? archiveSource(env, archive, settings.from(), settings.to())
                        : kafkaSource(env, (KafkaTopic) settings.input(), settings.from(), settings.to());
        DataStream<Decoded<AdClickEvent>> clicks =
                source.records
                        .map(new CountRecords(READ), Decoded.typeInfo(AdClickEvent.class))
                        .name("count-read")
                        .filter(click -> click.isAccepted() && click.value.getClickTs() >= from && click.value.getClickTs() < to)
                        .name("accepted-in-range")
                        .map(new CountRecords(REPLAYED), Decoded.typeInfo(AdClickEvent.class))
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
                        .build(),
                // A replay is a bulk load into its own keyspace: the batching any cluster suits.
                CassandraSink.Batching.DEFAULT);

        long start = System.nanoTime();
        JobClient job = env.executeAsync("tally-replay-ad-clicks-" + settings.keyspace());
        while (!job.getJobExecutionResult().isDone()) {
            Thread.sleep(1000);
            try {
                Object read = job.getAccumulators().get().get(READ);
                if (read instanceof Long n) {
                    progress.update(n, source.expectedRecords);
                }
            } catch (Exception e) {
                // The job may finish between the check and the request.
            }
        }
        JobExecutionResult result = job.getJobExecutionResult().get();
        Long read = result.getAccumulatorResult(READ);
        Long replayed = result.getAccumulatorResult(REPLAYED);
        return new Result(
                source.description,
                read == null ? 0 : read,
                replayed == null ? 0 : replayed,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** A bounded stream of raw records, and how many it holds. */
    private record Source(DataStream<Decoded<AdClickEvent>> records, long expectedRecords, String description) {}

    private static Source archiveSource(StreamExecutionEnvironment env, Archive input, Instant from, Instant to) throws Exception {
        ClickArchive archive = new ClickArchive(input.dir());
        List<Path> files = archive.files(archive.hours(from, to));
        if (files.isEmpty()) {
            throw new IllegalArgumentException("No archived clicks for [" + from + ", " + to + ") under " + input.dir());
        }
        FileSource<AdClickEvent> source =
                FileSource.forRecordStreamFormat(
                                new AvroArchiveFormat(),
                                files.stream()
                                        .map(p -> new org.apache.flink.core.fs.Path(p.toUri()))
                                        .toArray(org.apache.flink.core.fs.Path[]::new))
                        .build();
        DataStream<Decoded<AdClickEvent>> records =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "archive: " + input.dir())
                        .uid("archive-source")
                        .map(Decoded::accepted, Decoded.typeInfo(AdClickEvent.class))
                        .name("as-accepted");
        return new Source(records, ClickArchive.countRecords(files), files.size() + " archive files under " + input.dir());
    }

    private static Source kafkaSource(StreamExecutionEnvironment env, KafkaTopic input, Instant from, Instant to) {
        long start = from.minus(input.margin()).toEpochMilli();
        long end = to.plus(input.margin()).toEpochMilli();
        AdClickOptions options =
                AdClickOptions.parse("--bootstrap-servers", input.bootstrapServers(), "--input-topic", input.topic());
        KafkaSource<Decoded<AdClickEvent>> source =
                AdClickJob.clickSource(options)
                        .setStartingOffsets(OffsetsInitializer.timestamp(start))
                        .setBounded(OffsetsInitializer.timestamp(end))
                        .build();
        DataStream<Decoded<AdClickEvent>> records =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka: " + input.topic()).uid("kafka-source");
        return new Source(
                records,
                KafkaRange.recordsBetween(input.bootstrapServers(), input.topic(), start, end),
                "topic " + input.topic() + " stamped in [" + Instant.ofEpochMilli(start) + ", " + Instant.ofEpochMilli(end) + ")");
    }

    /** Counts the records passing by into an accumulator, for the progress display and the result. */
    static final class CountRecords extends RichMapFunction<Decoded<AdClickEvent>, Decoded<AdClickEvent>> {
        private final String name;
        private transient LongCounter counter;

        CountRecords(String name) {
            this.name = name;
        }

        @Override
        public void open(OpenContext openContext) {
            counter = new LongCounter();
            getRuntimeContext().addAccumulator(name, counter);
        }

        @Override
        public Decoded<AdClickEvent> map(Decoded<AdClickEvent> record) {
            counter.add(1);
            return record;
        }
    }
}
