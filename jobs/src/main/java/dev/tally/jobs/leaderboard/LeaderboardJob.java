package dev.tally.jobs.leaderboard;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.RecordValidator;
import dev.tally.jobs.kit.EventTime;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.schema.leaderboard.MatchResult;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The leaderboard job: monthly scores per game from Avro match results, with the exact top K,
 * competition ranks and a score histogram, to Kafka (exactly-once) and Cassandra (upserts). Its README
 * states the rules; {@code --help} lists the options.
 */
public final class LeaderboardJob implements TallyJob<MatchResult, LeaderboardOptions, LeaderboardPipeline.Outputs> {

    public static final String NAME = "leaderboard";

    public static void main(String[] args) throws Exception {
        JobRunner.run(new LeaderboardJob(), args);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Monthly scores per game, the exact top K with ranks, and a score histogram for any player's rank.";
    }

    @Override
    public LeaderboardOptions newOptions() {
        return new LeaderboardOptions();
    }

    @Override
    public Class<MatchResult> inputType() {
        return MatchResult.class;
    }

    @Override
    public RecordValidator<MatchResult> validator(LeaderboardOptions options) {
        return new MatchValidator(options.maxPoints, options.maxEventAge, options.maxEventFuture);
    }

    @Override
    public EventTime<MatchResult> eventTime() {
        return new ResultTime();
    }

    @Override
    public LeaderboardPipeline.Outputs build(DataStream<Decoded<MatchResult>> input, LeaderboardOptions options) {
        return LeaderboardPipeline.build(input, options.settings());
    }

    @Override
    public void attachSinks(LeaderboardPipeline.Outputs results, LeaderboardOptions options) {
        LeaderboardSinks.attach(results, options);
    }

    @Override
    public void attachReplaySinks(
            LeaderboardPipeline.Outputs results, LeaderboardOptions options, CassandraConnection replayKeyspace) {
        LeaderboardSinks.attachCassandra(results, replayKeyspace, CassandraSink.Batching.DEFAULT);
    }

    @Override
    public List<ResultTable<?>> resultTables() {
        return LeaderboardTables.ALL;
    }
}
