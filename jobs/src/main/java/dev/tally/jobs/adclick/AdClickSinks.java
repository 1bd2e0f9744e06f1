package dev.tally.jobs.adclick;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.jobs.kit.ExactlyOnceKafka;
import dev.tally.jobs.kit.RawArchive;
import dev.tally.jobs.kit.ResultUpserts;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.adclick.TopAds;
import dev.tally.schema.common.DeadLetter;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** Where the ad-click results go in production: Kafka (exactly-once), Cassandra (upserts), the raw archive. */
public final class AdClickSinks {

    private AdClickSinks() {}

    public static void attach(AdClickPipeline.Outputs outputs, AdClickOptions options) {
        if (options.discardResults) {
            discard(outputs);
            return;
        }
        outputs.deadLetters()
                .sinkTo(ExactlyOnceKafka.sink(options, options.dlqTopic(), DeadLetter.class, d -> null, "dlq"))
                .uid("dead-letter-sink")
                .name("kafka: " + options.dlqTopic());
        if (outputs.late() != null) {
            outputs.late()
                    .sinkTo(ExactlyOnceKafka.sink(
                            options, options.lateTopic(), AdClickEvent.class, AdClickEvent::getAdId, "late"))
                    .uid("late-sink")
                    .name("kafka: " + options.lateTopic());
        }
        outputs.counts()
                .sinkTo(ExactlyOnceKafka.sink(
                        options, options.countsTopic, AdClickCount.class, AdClickCount::getAdId, "counts"))
                .uid("counts-kafka-sink")
                .name("kafka: " + options.countsTopic);
        outputs.topAds()
                .sinkTo(ExactlyOnceKafka.sink(
                        options, options.topTopic, TopAds.class, AdClickTables::rankingKey, "top"))
                .uid("top-ads-kafka-sink")
                .name("kafka: " + options.topTopic);

        attachCassandra(outputs, options.cassandraConnection(options.keyspace), options.cassandraSinkBatching());

        if (options.archiveDir != null) {
            RawArchive.attach(outputs.accepted(), AdClickEvent.class, AdClickEvent::getClickTs, options);
        }
    }

    /** Every result stream into a discarding sink: the DAG's work without any sink's. */
    static void discard(AdClickPipeline.Outputs outputs) {
        outputs.deadLetters()
                .sinkTo(new DiscardingSink<>())
                .uid("dead-letter-sink")
                .name("discard: dead letters");
        if (outputs.late() != null) {
            outputs.late().sinkTo(new DiscardingSink<>()).uid("late-sink").name("discard: late");
        }
        outputs.counts().sinkTo(new DiscardingSink<>()).uid("counts-kafka-sink").name("discard: counts");
        outputs.countryCounts()
                .sinkTo(new DiscardingSink<>())
                .uid("country-counts-cassandra-sink")
                .name("discard: country counts");
        outputs.topAds()
                .sinkTo(new DiscardingSink<>())
                .uid("top-ads-kafka-sink")
                .name("discard: top ads");
    }

    /** The Cassandra tables of the results, in the connection's keyspace (live, or a replay's own). */
    public static void attachCassandra(
            AdClickPipeline.Outputs outputs, CassandraConnection cassandra, CassandraSink.Batching batching) {
        ResultUpserts.attach(outputs.counts(), AdClickTables.COUNTS, cassandra, batching, "counts-cassandra-sink");
        ResultUpserts.attach(
                outputs.countryCounts(),
                AdClickTables.COUNTRY_COUNTS,
                cassandra,
                batching,
                "country-counts-cassandra-sink");
        ResultUpserts.attach(outputs.topAds(), AdClickTables.TOP_ADS, cassandra, batching, "top-ads-cassandra-sink");
        ResultUpserts.attach(
                outputs.topAds(), AdClickTables.TOP_ADS_LATEST, cassandra, batching, "top-ads-latest-cassandra-sink");
    }
}
