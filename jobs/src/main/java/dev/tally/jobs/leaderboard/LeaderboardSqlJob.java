package dev.tally.jobs.leaderboard;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.SqlYardstick;
import dev.tally.schema.leaderboard.MatchResult;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The leaderboard's scores and top K in Flink SQL ({@link LeaderboardSqlQuery} says what it computes and what not). */
public final class LeaderboardSqlJob
        extends SqlYardstick<MatchResult, LeaderboardOptions, LeaderboardPipeline.Outputs> {

    public LeaderboardSqlJob() {
        super(
                new LeaderboardJob(),
                "The leaderboard's scores and top K in Flink SQL (regular Top-N with ROW_NUMBER; no histogram,"
                        + " horizon or competition ranks), the yardstick of ./tally bench leaderboard.");
    }

    public static void main(String[] args) throws Exception {
        JobRunner.run(new LeaderboardSqlJob(), args);
    }

    @Override
    public LeaderboardPipeline.Outputs build(DataStream<Decoded<MatchResult>> input, LeaderboardOptions options) {
        return LeaderboardSqlQuery.build(input, options);
    }
}
