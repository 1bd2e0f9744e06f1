package dev.tally.jobs.leaderboard;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.NeverIdle;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.jobs.leaderboard.functions.ApplyResults;
import dev.tally.jobs.leaderboard.functions.HoldUntilDue;
import dev.tally.jobs.leaderboard.functions.PlayerKey;
import dev.tally.jobs.leaderboard.functions.PlayerPosition;
import dev.tally.jobs.leaderboard.functions.ScoreChange;
import dev.tally.jobs.leaderboard.functions.ToLeaderboardUpdate;
import dev.tally.jobs.leaderboard.functions.ToPlayerPositions;
import dev.tally.jobs.leaderboard.functions.TournamentStandings;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.MatchResult;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The leaderboard DAG, from decoded match results to every result stream: per player, then per
 * tournament. The live job, the tests and the replay all call {@link #build}.
 */
public final class LeaderboardPipeline {

    private LeaderboardPipeline() {}

    /** What the DAG computes, as opposed to where it reads and writes. */
    public record Settings(int topK, int topMargin, Duration correctionHorizon) implements Serializable {}

    /** Every result stream of the DAG. */
    public record Outputs(
            DataStream<MatchResult> accepted,
            DataStream<DeadLetter> deadLetters,
            DataStream<MatchResult> late,
            DataStream<LeaderboardUpdate> updates,
            DataStream<ScoreBucket> histogram,
            DataStream<TopPlayers> top,
            DataStream<PlayerPosition> positions) {}

    public static Outputs build(DataStream<Decoded<MatchResult>> input, Settings settings) {
        SingleOutputStreamOperator<MatchResult> accepted = input.process(
                        new RouteInvalidRecords<>(), new AvroTypeInfo<>(MatchResult.class))
                .uid("route-invalid-results")
                .name("route-invalid-results");

        SingleOutputStreamOperator<ScoreChange> changes = accepted.keyBy(new PlayerKey(), Types.STRING)
                .transform(
                        "apply-results",
                        TypeInformation.of(ScoreChange.class),
                        new NeverIdle.KeyedProcess<>(new ApplyResults(settings.correctionHorizon())))
                .uid("apply-results");

        SingleOutputStreamOperator<LeaderboardUpdate> updates = changes.map(
                        new ToLeaderboardUpdate(), new AvroTypeInfo<>(LeaderboardUpdate.class))
                .name("to-leaderboard-update");

        SingleOutputStreamOperator<PlayerPosition> positions = changes.flatMap(
                        new ToPlayerPositions(), TypeInformation.of(PlayerPosition.class))
                .name("to-player-positions");

        SingleOutputStreamOperator<TopPlayers> top = changes.getSideOutput(ApplyResults.STANDINGS)
                .transform(
                        "hold-standings-changes",
                        TypeInformation.of(ScoreChange.class),
                        new HoldUntilDue(settings.correctionHorizon()))
                .uid("hold-standings-changes")
                .keyBy(change -> change.tournament, Types.STRING)
                .process(
                        new TournamentStandings(settings.topK(), settings.topMargin(), settings.correctionHorizon()),
                        new AvroTypeInfo<>(TopPlayers.class))
                .uid("tournament-standings")
                .name("tournament-standings");

        return new Outputs(
                accepted,
                accepted.getSideOutput(RouteInvalidRecords.DEAD_LETTERS),
                changes.getSideOutput(ApplyResults.LATE),
                updates,
                top.getSideOutput(TournamentStandings.HISTOGRAM),
                top,
                positions);
    }
}
