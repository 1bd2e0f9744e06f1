package dev.tally.jobs.leaderboard.functions;

import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One tournament (keyed by its name): the score histogram and the top list, from its players' score
 * changes. When the watermark next advances after a change it emits the histogram rows whose players
 * or players above changed (side output) and the top K with competition ranks, if it changed.
 */
public final class TournamentStandings extends KeyedProcessFunction<String, ScoreChange, TopPlayers> {

    public static final OutputTag<ScoreBucket> HISTOGRAM =
            new OutputTag<>("score-histogram", new AvroTypeInfo<>(ScoreBucket.class));

    private final int topK;
    private final int capacity;
    private final long horizonMillis;

    /** Score to the number of players holding it. */
    private transient MapState<Long, Long> histogram;

    private transient ListState<Standing> listed;
    private transient ValueState<Flush> flush;
    private transient ValueState<TopPlayers> lastEmitted;
    private transient Counter incompleteTopLists;

    public TournamentStandings(int topK, int margin, Duration correctionHorizon) {
        this.topK = topK;
        this.capacity = topK + margin;
        this.horizonMillis = correctionHorizon.toMillis();
    }

    /** What the next flush must write, and whether the list is still every player of the tournament. */
    public static final class Flush {
        public boolean pending;
        /** The histogram rows in [low, high] changed since the last flush. */
        public long low = Long.MAX_VALUE;

        public long high = Long.MIN_VALUE;
        public long latestTs = Long.MIN_VALUE;
        public long lastAsOf = Long.MIN_VALUE;
        public boolean everyoneListed = true;

        public Flush() {}
    }

    @Override
    public void open(OpenContext openContext) {
        histogram = getRuntimeContext().getMapState(new MapStateDescriptor<>("histogram", Types.LONG, Types.LONG));
        listed = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("top-list", TypeInformation.of(Standing.class)));
        flush = getRuntimeContext().getState(new ValueStateDescriptor<>("flush", TypeInformation.of(Flush.class)));
        lastEmitted = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("last-top", new AvroTypeInfo<>(TopPlayers.class)));
        incompleteTopLists = getRuntimeContext().getMetricGroup().counter("incompleteTopLists");
    }

    @Override
    public void processElement(ScoreChange change, Context ctx, Collector<TopPlayers> out) throws Exception {
        Flush next = flush.value();
        if (next == null) {
            next = new Flush();
            ctx.timerService().registerEventTimeTimer(change.tournamentEnd + horizonMillis);
        }
        if (change.isNewPlayer()) {
            // Everyone below the new score has one more player above.
            next.low = Long.MIN_VALUE;
        } else {
            add(change.previousScore, -1);
            next.low = Math.min(next.low, Math.min(change.previousScore, change.score));
        }
        add(change.score, 1);
        next.high = Math.max(next.high, Math.max(change.previousScore, change.score));
        next.latestTs = Math.max(next.latestTs, change.latestTs);

        TopList list = new TopList(capacity, toList(listed.get()), next.everyoneListed);
        if (list.place(new Standing(change.userId, change.score, change.reachedAt))) {
            listed.update(list.entries());
            next.everyoneListed = list.everyoneListed();
        }
        if (!next.pending) {
            long watermark = ctx.timerService().currentWatermark();
            ctx.timerService().registerEventTimeTimer(watermark == Long.MIN_VALUE ? watermark : watermark + 1);
            next.pending = true;
        }
        flush.update(next);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TopPlayers> out) throws Exception {
        Flush next = flush.value();
        if (next == null) {
            return;
        }
        if (next.pending) {
            emit(ctx, next, out);
        }
        if (timestamp >= Tournaments.endOf(next.latestTs) + horizonMillis) {
            histogram.clear();
            listed.clear();
            flush.clear();
            lastEmitted.clear();
            return;
        }
        flush.update(next);
    }

    private void emit(OnTimerContext ctx, Flush next, Collector<TopPlayers> out) throws Exception {
        String tournament = ctx.getCurrentKey();
        TreeMap<Long, Long> highestFirst = new TreeMap<>(java.util.Comparator.reverseOrder());
        for (Iterator<Map.Entry<Long, Long>> it = histogram.iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> bucket = it.next();
            highestFirst.put(bucket.getKey(), bucket.getValue());
            if (bucket.getValue() == 0) {
                it.remove();
            }
        }
        // Players above each score, for the changed rows and the listed players' ranks.
        Map<Long, Long> above = new java.util.HashMap<>();
        long players = 0;
        for (Map.Entry<Long, Long> bucket : highestFirst.entrySet()) {
            long score = bucket.getKey();
            above.put(score, players);
            if (score >= next.low && score <= next.high) {
                ctx.output(HISTOGRAM, new ScoreBucket(tournament, score, bucket.getValue(), players));
            }
            players += bucket.getValue();
        }
        next.low = Long.MAX_VALUE;
        next.high = Long.MIN_VALUE;
        next.pending = false;

        TopList list = new TopList(capacity, toList(listed.get()), next.everyoneListed);
        List<RankedPlayer> top = new ArrayList<>(topK);
        for (Standing s : list.top(topK)) {
            top.add(new RankedPlayer(s.userId, s.score, 1 + above.get(s.score), s.reachedAt));
        }
        boolean complete = list.isComplete(topK);
        TopPlayers previous = lastEmitted.value();
        if (previous != null
                && previous.getComplete() == complete
                && previous.getPlayers().equals(top)) {
            return;
        }
        if (!complete) {
            incompleteTopLists.inc();
        }
        // Strictly increasing per tournament, so the list's write timestamp orders it after the last.
        long asOf = next.lastAsOf == Long.MIN_VALUE ? next.latestTs : Math.max(next.latestTs, next.lastAsOf + 1);
        next.lastAsOf = asOf;
        TopPlayers emitted = new TopPlayers(tournament, asOf, complete, top);
        lastEmitted.update(emitted);
        out.collect(emitted);
    }

    private void add(long score, long players) throws Exception {
        Long held = histogram.get(score);
        histogram.put(score, (held == null ? 0 : held) + players);
    }

    private static List<Standing> toList(Iterable<Standing> standings) {
        List<Standing> list = new ArrayList<>();
        if (standings != null) {
            standings.forEach(list::add);
        }
        return list;
    }
}
