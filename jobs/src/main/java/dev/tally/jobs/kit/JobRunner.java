package dev.tally.jobs.kit;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.DecodingDeserializer;
import java.time.Duration;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The live run of any job: options, checks, the Kafka source with its watermarks, the job's DAG and
 * sinks. Runtime tuning (state backend, checkpoints, restarts) comes from the cluster's flink-conf.
 */
public final class JobRunner {

    private JobRunner() {}

    /** Parses {@code args} as the job's options and runs it; returns after printing help. */
    public static <I extends SpecificRecordBase, O extends JobOptions, R> void run(
            TallyJob<I, O, R> job, String... args) throws Exception {
        O options = JobOptions.parse(job.newOptions(), args);
        if (options == null) {
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, options);
        job.attachSinks(job.build(liveInput(env, job, options), options), options);
        env.execute(options.jobName);
    }

    /**
     * What every live run sets in its environment: the options for the web UI, the explicit max
     * parallelism, and the check that Kafka transactions outlive the checkpoints that commit them.
     */
    public static void configure(StreamExecutionEnvironment env, JobOptions options) {
        env.getConfig().setGlobalJobParameters(Configuration.fromMap(options.toMap()));
        env.setMaxParallelism(options.maxParallelism);
        if (!options.discardResults) {
            TransactionTimeout.check(options.transactionTimeout, env.getConfiguration());
        }
    }

    /** The input topic from the committed offsets (earliest without), with the job's watermarks. */
    // flink-connector-kafka 5.0 takes a fallback for partitions without committed offsets only as Kafka's
    // OffsetResetStrategy, which Kafka 4 deprecates.
    @SuppressWarnings("deprecation")
    public static <I extends SpecificRecordBase, O extends JobOptions> DataStream<Decoded<I>> liveInput(
            StreamExecutionEnvironment env, TallyJob<I, O, ?> job, O options) {
        KafkaSourceBuilder<Decoded<I>> builder = inputSource(job, options)
                .setGroupId(options.groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        if (options.bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return env.fromSource(builder.build(), watermarks(job, options), "kafka: " + options.inputTopic)
                .uid(job.name() + "-source");
    }

    /**
     * Event time from the job, bounded out-of-orderness, and idleness after {@code --idleness}
     * without an accepted record: rejected records carry no event time, never move a watermark,
     * and do not keep a split from going idle.
     */
    public static <I extends SpecificRecordBase, O extends JobOptions> WatermarkStrategy<Decoded<I>> watermarks(
            TallyJob<I, O, ?> job, O options) {
        EventTime<I> eventTime = job.eventTime();
        WatermarkStrategy<Decoded<I>> outOfOrder = WatermarkStrategy.forBoundedOutOfOrderness(options.outOfOrderness);
        Duration idleness = options.idleness;
        WatermarkStrategy<Decoded<I>> strategy =
                context -> new AcceptedRecordsIdleness<>(outOfOrder.createWatermarkGenerator(context), idleness);
        return strategy.withTimestampAssigner((record, kafkaTimestamp) -> timestamp(record, eventTime));
    }

    /** The stream timestamp of an accepted record ({@link EventTime#timestamp}); {@code Long.MIN_VALUE} for a rejected one. */
    public static <I extends SpecificRecordBase> long timestamp(Decoded<I> record, EventTime<I> eventTime) {
        return record.isAccepted() ? eventTime.timestamp(record.value) : Long.MIN_VALUE;
    }

    /**
     * The input topic decoded and validated as the live job does it; the caller chooses the offsets
     * (the live job its committed ones, a replay those of a time range).
     */
    public static <I extends SpecificRecordBase, O extends JobOptions> KafkaSourceBuilder<Decoded<I>> inputSource(
            TallyJob<I, O, ?> job, O options) {
        return KafkaSource.<Decoded<I>>builder()
                .setProperties(sourceProperties(options))
                .setTopics(options.inputTopic)
                .setDeserializer(new DecodingDeserializer<>(job.inputType(), job.validator(options)));
    }

    /** The client config's Kafka properties, then the source's own, which the file cannot override. */
    static Properties sourceProperties(JobOptions options) {
        Properties props = options.kafka().clientProperties();
        // Producers may write transactionally; never count an aborted record.
        props.put("isolation.level", "read_committed");
        return props;
    }
}
