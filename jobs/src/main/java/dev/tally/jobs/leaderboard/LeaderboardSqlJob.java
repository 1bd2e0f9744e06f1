package dev.tally.jobs.leaderboard;

import dev.tally.connectors.cassandra.CassandraConnection;
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
 * The leaderboard's scores and top K in Flink SQL ({@link LeaderboardSqlQuery}), the yardstick of
 * {@code tally bench leaderboard}: input, validation, options and sinks are the DataStream job's; only
 * the DAG differs, and it computes less (the query class says what). The query lives in a class of its
 * own so that listing the jobs needs no Flink Table classes.
 */
public final class LeaderboardSqlJob implements TallyJob<MatchResult, LeaderboardOptions, LeaderboardPipeline.Outputs> {

    public static final String NAME = "leaderboard-sql";

    private final LeaderboardJob dataStreamJob = new LeaderboardJob();

    public static void main(String[] args) throws Exception {
        JobRunner.run(new LeaderboardSqlJob(), args);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "The leaderboard's scores and top K in Flink SQL (regular Top-N with ROW_NUMBER; no histogram, horizon or"
                + " competition ranks), the yardstick of ./tally bench leaderboard.";
    }

    @Override
    public LeaderboardOptions newOptions() {
        return dataStreamJob.newOptions();
    }

    @Override
    public Class<MatchResult> inputType() {
        return dataStreamJob.inputType();
    }

    @Override
    public RecordValidator<MatchResult> validator(LeaderboardOptions options) {
        return dataStreamJob.validator(options);
    }

    @Override
    public EventTime<MatchResult> eventTime() {
        return dataStreamJob.eventTime();
    }

    @Override
    public LeaderboardPipeline.Outputs build(DataStream<Decoded<MatchResult>> input, LeaderboardOptions options) {
        return LeaderboardSqlQuery.build(input, options);
    }

    @Override
    public void attachSinks(LeaderboardPipeline.Outputs results, LeaderboardOptions options) {
        dataStreamJob.attachSinks(results, options);
    }

    @Override
    public void attachReplaySinks(LeaderboardPipeline.Outputs results, LeaderboardOptions options, CassandraConnection replayKeyspace) {
        dataStreamJob.attachReplaySinks(results, options, replayKeyspace);
    }

    @Override
    public List<ResultTable<?>> resultTables() {
        return dataStreamJob.resultTables();
    }
}
