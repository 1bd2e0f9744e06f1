package dev.tally.jobs.kit;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.cassandra.ReplayRuns;
import dev.tally.connectors.kafka.Decoded;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Recalculates a job's results of a time range with the job's own DAG ({@link TallyJob#build}) and
 * options in Flink BATCH mode, into a keyspace of its own, so the live rows are never touched. The
 * input is the raw archive the live job writes (its {@code --archive-dir}; only the hour folders of
 * the range) or its input topic bounded by Kafka timestamps. Every record of the range counts,
 * including those the live job found late. {@link ReplayMain} runs it on a cluster with {@code flink
 * run}; tests run it in their own JVM.
 */
public final class Replay {

    static final String READ = "read-records";
    static final String REPLAYED = "replayed-records";

    /** Where the raw records come from. */
    public enum Source {
        archive,
        kafka
    }

    /**
     * What to replay: the range, the input, and the replay's keyspace. With {@link Source#kafka}
     * records stamped up to {@code kafkaMargin} before {@code from} and after {@code to} are read: a
     * record of the range is replayed if its Kafka timestamp is within the margin of its event time.
     */
    public record Settings(Instant from, Instant to, Source source, Duration kafkaMargin, String keyspace) {
        public Settings {
            if (from == null || to == null || !from.isBefore(to)) {
                throw new IllegalArgumentException("--from and --to are required, with --from before --to");
            }
        }
    }

    /** How the replay went: input records read of those expected, records of the range replayed. */
    public record Result(String input, long inputRecords, long replayedRecords, Duration took) {}

    private Replay() {}

    /**
     * Builds the replay of {@code job} in {@code env} (set to BATCH here), runs it and waits, printing
     * the share of input read about once a second to {@code progress}.
     */
    public static <I extends SpecificRecordBase, O extends JobOptions, R> Result run(
            StreamExecutionEnvironment env, TallyJob<I, O, R> job, O options, Settings settings, PrintStream progress)
            throws Exception {
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setMaxParallelism(options.maxParallelism);
        Input<I> input = settings.source() == Source.archive
                ? archiveInput(env, job, options, settings)
                : kafkaInput(env, job, options, settings);
        TypeInformation<Decoded<I>> type = Decoded.typeInfo(job.inputType());
        DataStream<Decoded<I>> records = input.records
                .map(new CountRecords<>(READ), type)
                .name("count-read")
                .filter(new AcceptedInRange<>(job.eventTime(), settings.from(), settings.to()))
                .name("accepted-in-range")
                .map(new CountRecords<>(REPLAYED), type)
                .name("count-replayed");
        EventTime<I> eventTime = job.eventTime();
        DataStream<Decoded<I>> timed = records.assignTimestampsAndWatermarks(
                        WatermarkStrategy.<Decoded<I>>noWatermarks()
                                .withTimestampAssigner((record, ts) -> JobRunner.timestamp(record, eventTime)))
                .name("event-time");
        job.attachReplaySinks(job.build(timed, options), options, options.cassandraConnection(settings.keyspace()));

        // The run's record goes with its results: promote refuses a run that did not complete or that
        // computed something else (another range, other filters) than what it is promoted against.
        try (CqlSession session = options.cassandraConnection(null).open("tally-replay-run")) {
            ReplayRuns.started(
                    session,
                    settings.keyspace(),
                    job.name(),
                    settings.from(),
                    settings.to(),
                    settings.source().name(),
                    options.resultDefinition());
            Result result = execute(env, job, settings, input, progress);
            ReplayRuns.completed(session, settings.keyspace(), result.inputRecords(), result.replayedRecords());
            return result;
        }
    }

    private static Result execute(
            StreamExecutionEnvironment env,
            TallyJob<?, ?, ?> job,
            Settings settings,
            Input<?> input,
            PrintStream progress)
            throws Exception {
        progress.printf(
                "Replaying %s [%s, %s) from %s into keyspace %s%n",
                job.name(), settings.from(), settings.to(), input.description, settings.keyspace());
        long start = System.nanoTime();
        JobClient client = env.executeAsync("tally-replay-" + job.name() + "-" + settings.keyspace());
        progress.println("Replay job " + client.getJobID() + " submitted (BATCH mode)");
        // One future: against a remote cluster each call asks the REST API anew.
        CompletableFuture<JobExecutionResult> done = client.getJobExecutionResult();
        long last = -1;
        while (!done.isDone()) {
            Thread.sleep(1000);
            try {
                if (client.getAccumulators().get().get(READ) instanceof Long read && read != last) {
                    last = read;
                    progress.printf(
                            "  %,d of %,d input records read (%.0f%%)%n",
                            read, input.expected, input.expected == 0 ? 100.0 : 100.0 * read / input.expected);
                }
            } catch (Exception e) {
                // The job may finish between the check and the request.
            }
        }
        JobExecutionResult result = done.get();
        Long read = result.getAccumulatorResult(READ);
        Long replayed = result.getAccumulatorResult(REPLAYED);
        return new Result(
                input.description,
                read == null ? 0 : read,
                replayed == null ? 0 : replayed,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** A bounded stream of raw records, and how many it holds. */
    private record Input<I extends SpecificRecordBase>(
            DataStream<Decoded<I>> records, long expected, String description) {}

    private static <I extends SpecificRecordBase, O extends JobOptions> Input<I> archiveInput(
            StreamExecutionEnvironment env, TallyJob<I, O, ?> job, O options, Settings settings) {
        if (options.archiveDir == null) {
            throw new IllegalArgumentException("A replay from the archive needs the live job's --archive-dir");
        }
        // A plain path or a file: URI; the archive's files are listed here, on a file system this client sees.
        Path dir = options.archiveDir.contains(":")
                ? Path.of(URI.create(options.archiveDir))
                : Path.of(options.archiveDir);
        RawArchive archive = new RawArchive(dir);
        List<Path> files = archive.files(archive.hours(settings.from(), settings.to()));
        if (files.isEmpty()) {
            throw new IllegalArgumentException(
                    "No archived records for [" + settings.from() + ", " + settings.to() + ") under " + dir);
        }
        FileSource<I> source = FileSource.forRecordStreamFormat(
                        new AvroArchiveFormat<>(job.inputType()),
                        files.stream()
                                .map(p -> new org.apache.flink.core.fs.Path(p.toUri()))
                                .toArray(org.apache.flink.core.fs.Path[]::new))
                .build();
        DataStream<Decoded<I>> records = env.fromSource(source, WatermarkStrategy.noWatermarks(), "archive: " + dir)
                .uid("archive-source")
                .map(Decoded::accepted, Decoded.typeInfo(job.inputType()))
                .name("as-accepted");
        return new Input<>(records, RawArchive.countRecords(files), files.size() + " archive files under " + dir);
    }

    private static <I extends SpecificRecordBase, O extends JobOptions> Input<I> kafkaInput(
            StreamExecutionEnvironment env, TallyJob<I, O, ?> job, O options, Settings settings) {
        long start = settings.from().minus(settings.kafkaMargin()).toEpochMilli();
        long end = settings.to().plus(settings.kafkaMargin()).toEpochMilli();
        KafkaSource<Decoded<I>> source = JobRunner.inputSource(job, options)
                .setStartingOffsets(OffsetsInitializer.timestamp(start))
                .setBounded(OffsetsInitializer.timestamp(end))
                .build();
        DataStream<Decoded<I>> records = env.fromSource(
                        source, WatermarkStrategy.noWatermarks(), "kafka: " + options.inputTopic)
                .uid("kafka-source");
        return new Input<>(
                records,
                KafkaRange.recordsBetween(options.kafka(), options.inputTopic, start, end),
                "topic " + options.inputTopic + " stamped in [" + Instant.ofEpochMilli(start) + ", "
                        + Instant.ofEpochMilli(end) + ")");
    }

    /** Accepted records whose event time is in [from, to). */
    static final class AcceptedInRange<I extends SpecificRecordBase> implements FilterFunction<Decoded<I>> {
        private final EventTime<I> eventTime;
        private final long from;
        private final long to;

        AcceptedInRange(EventTime<I> eventTime, Instant from, Instant to) {
            this.eventTime = eventTime;
            this.from = from.toEpochMilli();
            this.to = to.toEpochMilli();
        }

        @Override
        public boolean filter(Decoded<I> record) {
            if (!record.isAccepted()) {
                return false;
            }
            long ts = eventTime.of(record.value);
            return ts >= from && ts < to;
        }
    }

    /** Counts the records passing by into an accumulator, for the progress display and the result. */
    static final class CountRecords<T> extends RichMapFunction<T, T> {
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
        public T map(T record) {
            counter.add(1);
            return record;
        }
    }
}
