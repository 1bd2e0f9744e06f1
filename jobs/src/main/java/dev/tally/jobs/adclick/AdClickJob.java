package dev.tally.jobs.adclick;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.DecodingDeserializer;
import dev.tally.schema.adclick.AdClickEvent;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The ad-click aggregation job: reads Avro clicks from Kafka and writes exact per-minute counts and
 * sliding top-N ads to Kafka (exactly-once) and Cassandra (idempotent upserts). {@code --help} lists
 * the options; runtime tuning (state backend, checkpoints) comes from the cluster's flink-conf.
 */
public final class AdClickJob {

    private AdClickJob() {}

    public static void main(String[] args) throws Exception {
        AdClickOptions options = AdClickOptions.parse(args);
        if (options == null) {
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.getConfig().setGlobalJobParameters(Configuration.fromMap(options.toMap()));

        DataStream<Decoded<AdClickEvent>> clicks =
                env.fromSource(kafkaSource(options), watermarks(options), "kafka: " + options.inputTopic)
                        .uid("ad-clicks-source");
        AdClickSinks.attach(AdClickPipeline.build(clicks, options.settings()), options);
        env.execute(options.jobName);
    }

    /** Event time is the click time; rejected records carry none and never move the watermark. */
    public static WatermarkStrategy<Decoded<AdClickEvent>> watermarks(AdClickOptions options) {
        return WatermarkStrategy.<Decoded<AdClickEvent>>forBoundedOutOfOrderness(options.outOfOrderness)
                .withTimestampAssigner(AdClickJob::eventTime)
                .withIdleness(options.idleness);
    }

    /** The click time; rejected records have none, so they never move a watermark. */
    public static long eventTime(Decoded<AdClickEvent> record, long kafkaTimestamp) {
        return record.isAccepted() ? record.value.getClickTs() : Long.MIN_VALUE;
    }

    public static KafkaSource<Decoded<AdClickEvent>> kafkaSource(AdClickOptions options) {
        KafkaSourceBuilder<Decoded<AdClickEvent>> builder =
                clickSource(options)
                        .setGroupId(options.groupId)
                        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        if (options.bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * The input topic decoded and validated as the live job does it; the caller chooses the offsets
     * (the live job its committed ones, a replay those of a time range).
     */
    public static KafkaSourceBuilder<Decoded<AdClickEvent>> clickSource(AdClickOptions options) {
        return KafkaSource.<Decoded<AdClickEvent>>builder()
                .setBootstrapServers(options.bootstrapServers)
                .setTopics(options.inputTopic)
                .setDeserializer(
                        new DecodingDeserializer<>(
                                AdClickEvent.class,
                                new ClickValidator(options.maxEventAge, options.maxEventFuture)))
                // Producers may write transactionally; never count an aborted click.
                .setProperty("isolation.level", "read_committed");
    }
}
