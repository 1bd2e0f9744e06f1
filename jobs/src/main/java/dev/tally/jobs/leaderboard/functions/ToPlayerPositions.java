package dev.tally.jobs.leaderboard.functions;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * A player's emitted change as order-table rows: the place it left, if it had one and moved, and
 * the place it now holds, both at the emission's write timestamp.
 */
public final class ToPlayerPositions implements FlatMapFunction<ScoreChange, PlayerPosition> {

    @Override
    public void flatMap(ScoreChange change, Collector<PlayerPosition> out) {
        if (!change.isNewPlayer()
                && (change.previousScore != change.score || change.previousReachedAt != change.reachedAt)) {
            out.collect(new PlayerPosition(
                    change.tournament,
                    change.previousScore,
                    change.previousReachedAt,
                    change.userId,
                    false,
                    change.writeMicros));
        }
        out.collect(new PlayerPosition(
                change.tournament, change.score, change.reachedAt, change.userId, true, change.writeMicros));
    }
}
