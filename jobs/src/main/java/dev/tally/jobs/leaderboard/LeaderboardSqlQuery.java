package dev.tally.jobs.leaderboard;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.jobs.kit.SqlTables;
import dev.tally.jobs.leaderboard.functions.Tournaments;
import dev.tally.schema.leaderboard.LeaderboardUpdate;
import dev.tally.schema.leaderboard.MatchResult;
import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.TopPlayers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * The leaderboard's scores and top K written in Flink SQL ({@link LeaderboardSqlJob}), the yardstick of
 * {@code tally bench leaderboard}: the same decoded and validated Kafka input as {@link LeaderboardJob};
 * each (tournament, match, player)'s highest revision by a {@code ROW_NUMBER} deduplication, the score
 * per (tournament, player) by {@code SUM} with reached-at as the latest scoring {@code ts}, and the top
 * K per tournament by a regular Top-N ({@code ROW_NUMBER() OVER (PARTITION BY tournament ORDER BY score
 * DESC, reached_at, user_id)}). The scores leave through the job's player-score sinks and the top K, as
 * a list per tournament rebuilt from the Top-N changelog, through its top-list sinks, so with {@code
 * --discard-results} this measures what the SQL engine computes, and without it the job's sinks too.
 *
 * <p>The deduplication orders by {@code revision} alone: with {@code ORDER BY revision DESC, points DESC}
 * Flink 2.2.1's append-only Top-1 kept a correction's older revision ({@link LeaderboardSqlQueryTest}
 * caught it), so of two records of one revision the first to arrive counts, where the job keeps the one
 * with more points.
 *
 * <p>It computes less than the job, so the comparison flatters SQL: no score histogram (so no rank or
 * percentile for a player outside the top K), no correction horizon (every revision of every match is
 * kept forever, and nothing is late), no state cleared when a month closes, positions instead of
 * competition ranks (tied players get consecutive numbers), and lists as of the latest reached_at,
 * not exactly the results published by their time.
 */
public final class LeaderboardSqlQuery {

    private LeaderboardSqlQuery() {}

    static LeaderboardPipeline.Outputs build(DataStream<Decoded<MatchResult>> input, LeaderboardOptions options) {
        StreamTableEnvironment tables = SqlTables.create(input.getExecutionEnvironment(), options.jobName);
        return build(tables, input, options.topK);
    }

    /** The query's DAG from decoded results to the job's result streams, in {@code tables} as {@link SqlTables#create} sets it up. */
    public static LeaderboardPipeline.Outputs build(
            StreamTableEnvironment tables, DataStream<Decoded<MatchResult>> input, int topK) {
        SingleOutputStreamOperator<MatchResult> accepted = input.process(
                        new RouteInvalidRecords<>(), new AvroTypeInfo<>(MatchResult.class))
                .uid("route-invalid-results")
                .name("route-invalid-results");
        tables.createTemporaryView(
                "results",
                tables.fromDataStream(accepted.map(new ResultRow(), rowType()).name("result-rows")));

        Table scores = tables.sqlQuery("SELECT tournament, user_id, SUM(points) AS score,"
                + " COALESCE(MAX(CASE WHEN points > 0 THEN ts END), MIN(ts)) AS reached_at"
                + " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY tournament, match_id, user_id"
                + "   ORDER BY revision DESC) AS version FROM results)"
                + " WHERE version = 1"
                + " GROUP BY tournament, user_id");
        // Once to a stream, which both the sinks and the Top-N read: two queries over the scores view
        // would each plan its own deduplication and aggregation.
        DataStream<Row> scoreChanges = tables.toChangelogStream(scores);
        tables.createTemporaryView("scores", tables.fromChangelogStream(scoreChanges));
        DataStream<LeaderboardUpdate> updates = scoreChanges
                .flatMap(new ToUpdate(), new AvroTypeInfo<>(LeaderboardUpdate.class))
                .name("to-leaderboard-update");

        Table top = tables.sqlQuery("SELECT tournament, user_id, score, reached_at, place FROM ("
                + " SELECT *, ROW_NUMBER() OVER (PARTITION BY tournament ORDER BY score DESC, reached_at ASC, user_id ASC) AS place"
                + " FROM scores)"
                + " WHERE place <= " + topK);
        SingleOutputStreamOperator<TopPlayers> lists = tables.toChangelogStream(top)
                .keyBy(row -> row.<String>getFieldAs("tournament"), Types.STRING)
                .process(new TopListFromChangelog(), new AvroTypeInfo<>(TopPlayers.class))
                .uid("top-list-from-changelog")
                .name("top-list-from-changelog");

        // No horizon, so nothing is late; no histogram, so no positions for neighbours either.
        return new LeaderboardPipeline.Outputs(
                accepted, accepted.getSideOutput(RouteInvalidRecords.DEAD_LETTERS), null, updates, null, lists, null);
    }

    private static TypeInformation<Row> rowType() {
        return Types.ROW_NAMED(
                new String[] {"tournament", "match_id", "user_id", "points", "ts", "revision"},
                Types.STRING,
                Types.STRING,
                Types.STRING,
                Types.INT,
                Types.LONG,
                Types.INT);
    }

    /** An accepted result as a row of the {@code results} table, its tournament as the job names it. */
    static final class ResultRow implements MapFunction<MatchResult, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Row map(MatchResult r) {
            return Row.of(
                    Tournaments.of(r.getGame(), r.getTs()),
                    r.getMatchId(),
                    r.getUserId(),
                    r.getPoints(),
                    r.getTs(),
                    r.getRevision());
        }
    }

    /** A player's new score from the scores changelog; the retractions of old ones are dropped. */
    static final class ToUpdate implements FlatMapFunction<Row, LeaderboardUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(Row row, Collector<LeaderboardUpdate> out) {
            if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                out.collect(new LeaderboardUpdate(
                        row.<String>getFieldAs("tournament"), row.<String>getFieldAs("user_id"),
                        row.<Integer>getFieldAs("score").longValue(), row.<Long>getFieldAs("reached_at")));
            }
        }
    }

    /**
     * A tournament's top list, from the Top-N's changelog of (position, player) rows: each addition or
     * update of a position emits the list as it then stands, its as-of strictly increasing per tournament
     * so its write timestamp orders it after the last.
     */
    static final class TopListFromChangelog extends KeyedProcessFunction<String, Row, TopPlayers> {
        private transient MapState<Long, RankedPlayer> positions;
        private transient ValueState<Long> lastAsOf;

        @Override
        public void open(OpenContext openContext) {
            positions = getRuntimeContext()
                    .getMapState(
                            new MapStateDescriptor<>("positions", Types.LONG, new AvroTypeInfo<>(RankedPlayer.class)));
            lastAsOf = getRuntimeContext().getState(new ValueStateDescriptor<>("last-as-of", Types.LONG));
        }

        @Override
        public void processElement(Row row, Context ctx, Collector<TopPlayers> out) throws Exception {
            long position = row.<Long>getFieldAs("place");
            String user = row.getFieldAs("user_id");
            long reachedAt = row.<Long>getFieldAs("reached_at");
            if (row.getKind() == RowKind.DELETE || row.getKind() == RowKind.UPDATE_BEFORE) {
                RankedPlayer held = positions.get(position);
                if (held != null && held.getUserId().equals(user)) {
                    positions.remove(position);
                }
                return;
            }
            positions.put(
                    position,
                    new RankedPlayer(user, row.<Integer>getFieldAs("score").longValue(), position, reachedAt));
            TreeMap<Long, RankedPlayer> ordered = new TreeMap<>();
            for (Map.Entry<Long, RankedPlayer> entry : positions.entries()) {
                ordered.put(entry.getKey(), entry.getValue());
            }
            List<RankedPlayer> players = new ArrayList<>(ordered.values());
            Long last = lastAsOf.value();
            long asOf = last == null ? reachedAt : Math.max(reachedAt, last + 1);
            lastAsOf.update(asOf);
            out.collect(new TopPlayers(ctx.getCurrentKey(), asOf, true, players));
        }
    }
}
