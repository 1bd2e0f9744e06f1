package dev.tally.jobs.metrics;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.jobs.kit.ExactlyOnceKafka;
import dev.tally.jobs.kit.RawArchive;
import dev.tally.jobs.kit.ResultUpserts;
import dev.tally.jobs.metrics.alerts.AlertEvents;
import dev.tally.jobs.metrics.functions.IndexSeries;
import dev.tally.jobs.metrics.functions.SeriesIndexEntry;
import dev.tally.jobs.metrics.functions.SeriesKeys;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.metrics.AlertEvent;
import dev.tally.schema.metrics.MetricPoint;
import dev.tally.schema.metrics.MetricRollup;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** Where the metrics job's results go: Kafka (exactly-once), Cassandra (upserts with a TTL), the raw archive. */
public final class MetricsSinks {

    private MetricsSinks() {}

    public static void attach(MetricsPipeline.Outputs outputs, MetricsOptions options) {
        if (options.discardResults) {
            outputs.deadLetters()
                    .sinkTo(new DiscardingSink<>())
                    .uid("dead-letter-sink")
                    .name("discard: dead letters");
            if (outputs.late() != null) {
                outputs.late().sinkTo(new DiscardingSink<>()).uid("late-sink").name("discard: late");
            }
            outputs.rollups()
                    .sinkTo(new DiscardingSink<>())
                    .uid("rollups-kafka-sink")
                    .name("discard: rollups");
            if (outputs.alerts() != null) {
                outputs.alerts()
                        .sinkTo(new DiscardingSink<>())
                        .uid("alerts-kafka-sink")
                        .name("discard: alerts");
            }
            if (outputs.raw() != null) {
                outputs.raw()
                        .sinkTo(new DiscardingSink<>())
                        .uid("raw-minutes-sink")
                        .name("discard: raw minutes");
            }
            return;
        }
        outputs.deadLetters()
                .sinkTo(ExactlyOnceKafka.sink(options, options.dlqTopic(), DeadLetter.class, d -> null, "dlq"))
                .uid("dead-letter-sink")
                .name("kafka: " + options.dlqTopic());
        if (outputs.late() != null) {
            outputs.late()
                    .sinkTo(ExactlyOnceKafka.sink(
                            options,
                            options.lateTopic(),
                            MetricPoint.class,
                            p -> SeriesKeys.of(p.getName(), p.getLabels()),
                            "late"))
                    .uid("late-sink")
                    .name("kafka: " + options.lateTopic());
        }
        outputs.rollups()
                .sinkTo(ExactlyOnceKafka.sink(
                        options, options.rollupsTopic, MetricRollup.class, MetricRollup::getSeriesKey, "rollups"))
                .uid("rollups-kafka-sink")
                .name("kafka: " + options.rollupsTopic);
        if (outputs.alerts() != null) {
            outputs.alerts()
                    .sinkTo(ExactlyOnceKafka.sink(
                            options, options.alertsTopic, AlertEvent.class, AlertEvents::kafkaKey, "alerts"))
                    .uid("alerts-kafka-sink")
                    .name("kafka: " + options.alertsTopic);
        }

        attachCassandra(
                outputs, options, options.cassandraConnection(options.keyspace), options.cassandraSinkBatching());

        if (options.archiveDir != null) {
            RawArchive.attach(outputs.accepted(), MetricPoint.class, MetricPoint::getTs, options);
        }
    }

    /**
     * The rollup, raw minute, series index and alert tables, in the connection's keyspace (live, or a
     * replay's own), rollups and raw minutes with the options' retention.
     */
    public static void attachCassandra(
            MetricsPipeline.Outputs outputs,
            MetricsOptions options,
            CassandraConnection cassandra,
            CassandraSink.Batching batching) {
        DataStream<MetricRollup> minutes = outputs.rollups()
                .filter(r -> r.getResolution().equals(MetricsTables.MINUTE))
                .name("minute-rollups");
        DataStream<MetricRollup> hours = outputs.rollups()
                .filter(r -> r.getResolution().equals(MetricsTables.HOUR))
                .name("hour-rollups");
        ResultUpserts.attach(
                minutes,
                MetricsTables.rollups(MetricsTables.MINUTE, options.retention()),
                cassandra,
                batching,
                "minute-rollups-cassandra-sink");
        ResultUpserts.attach(
                hours,
                MetricsTables.rollups(MetricsTables.HOUR, options.retention()),
                cassandra,
                batching,
                "hour-rollups-cassandra-sink");
        if (outputs.raw() != null) {
            ResultUpserts.attach(
                    outputs.raw(),
                    MetricsTables.rawMinutes(options.retention()),
                    cassandra,
                    batching,
                    "raw-minutes-cassandra-sink");
        }
        DataStream<SeriesIndexEntry> index = outputs.rollups()
                .flatMap(new IndexSeries(), TypeInformation.of(SeriesIndexEntry.class))
                .name("index-series");
        ResultUpserts.attach(
                index.filter(SeriesIndexEntry::isSeries).name("series-of-names"),
                MetricsTables.series(options.retention()),
                cassandra,
                batching,
                "series-cassandra-sink");
        ResultUpserts.attach(
                index.filter(e -> !e.isSeries()).name("series-of-labels"),
                MetricsTables.seriesByLabel(options.retention()),
                cassandra,
                batching,
                "series-by-label-cassandra-sink");
        if (outputs.alerts() != null) {
            ResultUpserts.attach(
                    outputs.alerts(), MetricsTables.ALERT_STATE, cassandra, batching, "alert-state-cassandra-sink");
            ResultUpserts.attach(
                    outputs.alerts(), MetricsTables.ALERT_HISTORY, cassandra, batching, "alert-history-cassandra-sink");
        }
    }
}
