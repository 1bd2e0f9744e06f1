package dev.tally.jobs.salesrank;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.jobs.kit.ExactlyOnceKafka;
import dev.tally.jobs.kit.RawArchive;
import dev.tally.jobs.kit.ResultUpserts;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.salesrank.CategoryBestSellers;
import dev.tally.schema.salesrank.Purchase;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Where the sales rank's results go: Kafka (exactly-once), Cassandra (upserts), the raw archive. A DAG
 * without a late stream (the Flink SQL yardstick's) has no sink for it.
 */
public final class SalesRankSinks {

    private SalesRankSinks() {}

    public static void attach(SalesRankPipeline.Outputs outputs, SalesRankOptions options) {
        if (options.discardResults) {
            outputs.deadLetters()
                    .sinkTo(new DiscardingSink<>())
                    .uid("dead-letter-sink")
                    .name("discard: dead letters");
            if (outputs.late() != null) {
                outputs.late().sinkTo(new DiscardingSink<>()).uid("late-sink").name("discard: late");
            }
            outputs.bestSellers()
                    .sinkTo(new DiscardingSink<>())
                    .uid("sales-rank-kafka-sink")
                    .name("discard: sales rank");
            return;
        }
        outputs.deadLetters()
                .sinkTo(ExactlyOnceKafka.sink(options, options.dlqTopic(), DeadLetter.class, d -> null, "dlq"))
                .uid("dead-letter-sink")
                .name("kafka: " + options.dlqTopic());
        if (outputs.late() != null) {
            outputs.late()
                    .sinkTo(ExactlyOnceKafka.sink(
                            options, options.lateTopic(), Purchase.class, Purchase::getTxId, "late"))
                    .uid("late-sink")
                    .name("kafka: " + options.lateTopic());
        }
        // A bounded input's end emits windows up to a week after its last purchase.
        outputs.bestSellers()
                .sinkTo(ExactlyOnceKafka.sinkStampedOnSend(
                        options,
                        options.salesRankTopic,
                        CategoryBestSellers.class,
                        SalesRankTables::categoryKey,
                        "sales-rank"))
                .uid("sales-rank-kafka-sink")
                .name("kafka: " + options.salesRankTopic);

        attachCassandra(
                outputs, options.cassandraConnection(options.keyspace), options.cassandraSinkBatching(), options);

        if (options.archiveDir != null) {
            RawArchive.attach(outputs.accepted(), Purchase.class, Purchase::getTs, options);
        }
    }

    /**
     * The Cassandra table of the results, in the connection's keyspace (live, or a replay's own). Each
     * window's list is written once, whole, when the watermark closes it: a restored attempt rewrites
     * the same rows.
     */
    public static void attachCassandra(
            SalesRankPipeline.Outputs outputs,
            CassandraConnection cassandra,
            CassandraSink.Batching batching,
            SalesRankOptions options) {
        ResultUpserts.attach(
                outputs.bestSellers(),
                SalesRankTables.salesRank(options.retention),
                cassandra,
                batching,
                "sales-rank-cassandra-sink");
    }
}
