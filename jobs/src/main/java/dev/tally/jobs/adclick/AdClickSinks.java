package dev.tally.jobs.adclick;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.connectors.cassandra.CassandraUpsert;
import dev.tally.connectors.kafka.AvroRecordSerializer;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.adclick.AdCount;
import dev.tally.schema.adclick.AdCountryCount;
import dev.tally.schema.adclick.TopAds;
import dev.tally.schema.common.DeadLetter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.AvroWriterFactory;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.function.SerializableFunction;

/** Where the ad-click results go in production: Kafka (exactly-once), Cassandra (upserts), the raw archive. */
public final class AdClickSinks {

    static final String UPSERT_COUNT =
            "INSERT INTO ad_click_counts (ad_id, filter_id, click_minute, count) VALUES (?, ?, ?, ?)";
    static final String UPSERT_COUNTRY_COUNT =
            "INSERT INTO ad_country_counts (ad_id, click_minute, country, count) VALUES (?, ?, ?, ?)";
    static final String UPSERT_TOP_ADS =
            "INSERT INTO top_ads (filter_id, window_minutes, day, window_end, window_start, ad_ids, counts)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    // The write timestamp is the window end, so the newest window wins whatever order writes arrive in.
    static final String UPSERT_TOP_ADS_LATEST =
            "INSERT INTO top_ads_latest (filter_id, window_minutes, window_end, window_start, ad_ids, counts)"
                    + " VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";

    private AdClickSinks() {}

    public static void attach(AdClickPipeline.Outputs outputs, AdClickOptions options) {
        if (options.discardResults) {
            discard(outputs);
            return;
        }
        outputs.deadLetters()
                .sinkTo(kafka(options, options.dlqTopic(), DeadLetter.class, d -> null, "dlq"))
                .uid("dead-letter-sink")
                .name("kafka: " + options.dlqTopic());
        if (outputs.late() != null) {
            outputs.late()
                    .sinkTo(kafka(options, options.lateTopic(), AdClickEvent.class, AdClickEvent::getAdId, "late"))
                    .uid("late-sink")
                    .name("kafka: " + options.lateTopic());
        }
        outputs.counts()
                .sinkTo(kafka(options, options.countsTopic, AdClickCount.class, AdClickCount::getAdId, "counts"))
                .uid("counts-kafka-sink")
                .name("kafka: " + options.countsTopic);
        outputs.topAds()
                .sinkTo(kafka(options, options.topTopic, TopAds.class, AdClickSinks::rankingKey, "top"))
                .uid("top-ads-kafka-sink")
                .name("kafka: " + options.topTopic);

        attachCassandra(
                outputs,
                CassandraConnection.builder()
                        .contactPoints(options.cassandra)
                        .localDatacenter(options.cassandraDatacenter)
                        .keyspace(options.keyspace)
                        .build(),
                options.cassandraSinkBatching());

        if (options.archiveDir != null) {
            archive(outputs.accepted(), options.archiveDir);
        }
    }

    /** Every result stream into a discarding sink: the DAG's work without any sink's. */
    static void discard(AdClickPipeline.Outputs outputs) {
        outputs.deadLetters().sinkTo(new DiscardingSink<>()).uid("dead-letter-sink").name("discard: dead letters");
        if (outputs.late() != null) {
            outputs.late().sinkTo(new DiscardingSink<>()).uid("late-sink").name("discard: late");
        }
        outputs.counts().sinkTo(new DiscardingSink<>()).uid("counts-kafka-sink").name("discard: counts");
        outputs.countryCounts().sinkTo(new DiscardingSink<>()).uid("country-counts-cassandra-sink").name("discard: country counts");
        outputs.topAds().sinkTo(new DiscardingSink<>()).uid("top-ads-kafka-sink").name("discard: top ads");
    }

    /** The Cassandra tables of the results, in the connection's keyspace (live, or a replay's own). */
    public static void attachCassandra(
            AdClickPipeline.Outputs outputs, CassandraConnection cassandra, CassandraSink.Batching batching) {
        outputs.counts()
                .sinkTo(cassandra(cassandra, batching, CassandraUpsert.ofValues(UPSERT_COUNT, AdClickSinks::countRow)))
                .uid("counts-cassandra-sink")
                .name("cassandra: ad_click_counts");
        outputs.countryCounts()
                .sinkTo(cassandra(cassandra, batching, CassandraUpsert.ofValues(UPSERT_COUNTRY_COUNT, AdClickSinks::countryRow)))
                .uid("country-counts-cassandra-sink")
                .name("cassandra: ad_country_counts");
        outputs.topAds()
                .sinkTo(cassandra(cassandra, batching, CassandraUpsert.ofValues(UPSERT_TOP_ADS, AdClickSinks::topAdsRow)))
                .uid("top-ads-cassandra-sink")
                .name("cassandra: top_ads");
        outputs.topAds()
                .sinkTo(
                        cassandra(
                                cassandra,
                                batching,
                                CassandraUpsert.ofValues(UPSERT_TOP_ADS_LATEST, AdClickSinks::topAdsLatestRow)
                                        .withWriteTimestamp(top -> top.getWindowEnd() * 1000)))
                .uid("top-ads-latest-cassandra-sink")
                .name("cassandra: top_ads_latest");
    }

    /** Accepted raw clicks as Avro files under {@code dt=yyyy-MM-dd/hour=HH} of event time; files commit on checkpoints. */
    static void archive(DataStream<AdClickEvent> accepted, String dir) {
        accepted.sinkTo(
                        FileSink.forBulkFormat(new Path(dir), avroFiles(AdClickEvent.class))
                                .withBucketAssigner(new EventHourBuckets())
                                .build())
                .uid("raw-archive-sink")
                .name("archive: " + dir);
    }

    /** Avro container files of {@code type}, like Flink's {@code AvroWriters}, with a buffered encoder. */
    static <T extends SpecificRecord> AvroWriterFactory<T> avroFiles(Class<T> type) {
        return new AvroWriterFactory<>(out -> {
            DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type));
            // Avro's default block encoder makes a synchronized stream call per field; the buffered
            // one fills its own array (the archive took 5% of the job's samples, mostly those calls).
            writer.setEncoder(stream -> EncoderFactory.get().binaryEncoder(stream, null));
            return writer.create(SpecificData.get().getSchema(type), out);
        });
    }

    static Object[] countRow(AdClickCount c) {
        return new Object[] {c.getAdId(), c.getFilterId(), Instant.ofEpochMilli(c.getClickMinute()), c.getCount()};
    }

    static Object[] countryRow(AdCountryCount c) {
        return new Object[] {c.getAdId(), Instant.ofEpochMilli(c.getClickMinute()), c.getCountry(), c.getCount()};
    }

    static Object[] topAdsRow(TopAds t) {
        return new Object[] {
            t.getFilterId(),
            t.getWindowMinutes(),
            LocalDate.ofInstant(Instant.ofEpochMilli(t.getWindowEnd()), ZoneOffset.UTC),
            Instant.ofEpochMilli(t.getWindowEnd()),
            Instant.ofEpochMilli(t.getWindowStart()),
            adIds(t),
            counts(t)
        };
    }

    static Object[] topAdsLatestRow(TopAds t) {
        return new Object[] {
            t.getFilterId(),
            t.getWindowMinutes(),
            Instant.ofEpochMilli(t.getWindowEnd()),
            Instant.ofEpochMilli(t.getWindowStart()),
            adIds(t),
            counts(t)
        };
    }

    private static List<String> adIds(TopAds t) {
        return t.getAds().stream().map(AdCount::getAdId).toList();
    }

    private static List<Long> counts(TopAds t) {
        return t.getAds().stream().map(AdCount::getCount).toList();
    }

    private static String rankingKey(TopAds t) {
        return t.getFilterId() + ":" + t.getWindowMinutes();
    }

    private static <T extends SpecificRecord> KafkaSink<T> kafka(
            AdClickOptions options, String topic, Class<T> type, SerializableFunction<T, String> key, String name) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(options.bootstrapServers)
                .setRecordSerializer(new AvroRecordSerializer<>(topic, type, key))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                // One prefix per sink: two sinks sharing transactional ids would fence each other.
                .setTransactionalIdPrefix(options.transactionalIdPrefix + "-" + name)
                .setProperty("transaction.timeout.ms", Long.toString(options.transactionTimeout.toMillis()))
                // Results become visible only when the checkpoint commits the transaction, so waiting
                // to fill larger, compressed batches costs no latency readers can see. At 20 ms each
                // partition's batch held a few kilobytes, and opening a batch (its lz4 stream and
                // buffers) was a third of the producer's cost in the task thread.
                .setProperty("linger.ms", "200")
                .setProperty("batch.size", Integer.toString(256 * 1024))
                .setProperty("compression.type", "lz4")
                .build();
    }

    private static <T> CassandraSink<T> cassandra(
            CassandraConnection connection, CassandraSink.Batching batching, CassandraUpsert<T> upsert) {
        return CassandraSink.<T>builder().connection(connection).batching(batching).upsert(upsert).build();
    }
}
