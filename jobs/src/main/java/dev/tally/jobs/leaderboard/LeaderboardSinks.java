package dev.tally.jobs.leaderboard;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.jobs.kit.ExactlyOnceKafka;
import dev.tally.jobs.kit.RawArchive;
import dev.tally.jobs.kit.ResultUpserts;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.MatchResult;
import dev.tally.schema.leaderboard.TopPlayers;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Where the leaderboard's results go: Kafka (exactly-once), Cassandra (upserts), the raw archive. A DAG
 * without a late stream, a histogram or positions (the Flink SQL yardstick's) has no sink for them.
 */
public final class LeaderboardSinks {

    private LeaderboardSinks() {}

    public static void attach(LeaderboardPipeline.Outputs outputs, LeaderboardOptions options) {
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
                            options, options.lateTopic(), MatchResult.class, MatchResult::getUserId, "late"))
                    .uid("late-sink")
                    .name("kafka: " + options.lateTopic());
        }
        outputs.updates()
                .sinkTo(ExactlyOnceKafka.sink(
                        options,
                        options.updatesTopic,
                        LeaderboardUpdate.class,
                        LeaderboardTables::playerKey,
                        "updates"))
                .uid("updates-kafka-sink")
                .name("kafka: " + options.updatesTopic);
        outputs.top()
                .sinkTo(ExactlyOnceKafka.sink(
                        options, options.topTopic, TopPlayers.class, TopPlayers::getTournament, "top"))
                .uid("top-kafka-sink")
                .name("kafka: " + options.topTopic);

        attachCassandra(outputs, options.cassandraConnection(options.keyspace), options.cassandraSinkBatching());

        if (options.archiveDir != null) {
            RawArchive.attach(outputs.accepted(), MatchResult.class, MatchResult::getTs, options);
        }
    }

    /** Every result stream into a discarding sink: the DAG's work without any sink's. */
    static void discard(LeaderboardPipeline.Outputs outputs) {
        outputs.deadLetters()
                .sinkTo(new DiscardingSink<>())
                .uid("dead-letter-sink")
                .name("discard: dead letters");
        if (outputs.late() != null) {
            outputs.late().sinkTo(new DiscardingSink<>()).uid("late-sink").name("discard: late");
        }
        outputs.updates()
                .sinkTo(new DiscardingSink<>())
                .uid("updates-kafka-sink")
                .name("discard: updates");
        if (outputs.histogram() != null) {
            outputs.histogram()
                    .sinkTo(new DiscardingSink<>())
                    .uid("histogram-cassandra-sink")
                    .name("discard: histogram");
        }
        outputs.top().sinkTo(new DiscardingSink<>()).uid("top-kafka-sink").name("discard: top");
        if (outputs.positions() != null) {
            outputs.positions()
                    .sinkTo(new DiscardingSink<>())
                    .uid("score-order-cassandra-sink")
                    .name("discard: positions");
        }
    }

    /**
     * The Cassandra tables of the results, in the connection's keyspace (live, or a replay's own). The
     * job writes a row only when it changed, so rows wait for their checkpoint (ReleaseOnCheckpoint
     * says why).
     */
    public static void attachCassandra(
            LeaderboardPipeline.Outputs outputs, CassandraConnection cassandra, CassandraSink.Batching batching) {
        ResultUpserts.attachReleasedOnCheckpoint(
                outputs.updates(),
                LeaderboardTables.PLAYER_SCORES,
                cassandra,
                batching,
                "player-scores-cassandra-sink");
        if (outputs.histogram() != null) {
            ResultUpserts.attachReleasedOnCheckpoint(
                    outputs.histogram(),
                    LeaderboardTables.SCORE_HISTOGRAM,
                    cassandra,
                    batching,
                    "histogram-cassandra-sink");
        }
        ResultUpserts.attachReleasedOnCheckpoint(
                outputs.top(), LeaderboardTables.TOP_PLAYERS, cassandra, batching, "top-players-cassandra-sink");
        if (outputs.positions() != null) {
            ResultUpserts.attachReleasedOnCheckpoint(
                    outputs.positions(),
                    LeaderboardTables.SCORE_ORDER,
                    cassandra,
                    batching,
                    "score-order-cassandra-sink");
        }
    }
}
