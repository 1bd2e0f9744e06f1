package dev.tally.jobs.leaderboard.functions;

import dev.tally.schema.leaderboard.RankedPlayer;
import dev.tally.schema.leaderboard.ScoreBucket;
import dev.tally.schema.leaderboard.TopPlayers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * changes ({@link ApplyResults#STANDINGS}). A change waits until the watermark passes its as-of time
 * ({@link HoldUntilDue} holds it until the watermark of the subtask that made it has, so it waits
 * here only until every one has); when the watermark advances past some, they are applied in as-of
 * order, the histogram rows whose players or players above changed go out (side output), and so does
 * the top K with competition
 * ranks, if it changed, as of the latest change applied. The watermark passes t only once every
 * change as of t or before has arrived, so a list as of t holds exactly the results published by t:
 * the same lists, each equal to the standings at its time, however the watermark advances.
 */
public final class TournamentStandings extends KeyedProcessFunction<String, ScoreChange, TopPlayers> {

    public static final OutputTag<ScoreBucket> HISTOGRAM =
            new OutputTag<>("score-histogram", new AvroTypeInfo<>(ScoreBucket.class));

    /** Changes in as-of order; a player's of the same time in the order it made them. */
    private static final Comparator<ScoreChange> IN_ORDER = Comparator.<ScoreChange>comparingLong(c -> c.asOf)
            .thenComparing(c -> c.userId)
            .thenComparingLong(c -> c.writeMicros);

    private final int topK;
    private final int capacity;
    private final long horizonMillis;

    /** Score to the number of players holding it. */
    private transient MapState<Long, Long> histogram;

    private transient ListState<Standing> listed;
    /** Changes whose as-of time the watermark has not passed yet. */
    private transient ListState<ScoreChange> waiting;

    private transient ValueState<Flush> flush;
    private transient ValueState<TopPlayers> lastEmitted;
    private transient Counter incompleteTopLists;
    /** Changes that came after the watermark had passed their time: the lists since then lacked them. */
    private transient Counter changesBehindWatermark;

    public TournamentStandings(int topK, int margin, Duration correctionHorizon) {
        this.topK = topK;
        this.capacity = topK + margin;
        this.horizonMillis = correctionHorizon.toMillis();
    }

    /** What the next flush must write, and whether the list is still every player of the tournament. */
    public static final class Flush {
        /** Changes are waiting ({@link #waiting}), and a timer for the next watermark is registered. */
        public boolean pending;
        /** The histogram rows in [low, high] changed since the last flush. */
        public long low = Long.MAX_VALUE;

        public long high = Long.MIN_VALUE;
        /** When the tournament's state goes: an hour (the horizon) after its month ends. */
        public long closeAt = Long.MAX_VALUE;

        public long lastAsOf = Long.MIN_VALUE;
        public boolean everyoneListed = true;

        public Flush() {}
    }

    @Override
    public void open(OpenContext openContext) {
        histogram = getRuntimeContext().getMapState(new MapStateDescriptor<>("histogram", Types.LONG, Types.LONG));
        listed = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("top-list", TypeInformation.of(Standing.class)));
        waiting = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("waiting-changes", TypeInformation.of(ScoreChange.class)));
        flush = getRuntimeContext().getState(new ValueStateDescriptor<>("flush", TypeInformation.of(Flush.class)));
        lastEmitted = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("last-top", new AvroTypeInfo<>(TopPlayers.class)));
        incompleteTopLists = getRuntimeContext().getMetricGroup().counter("incompleteTopLists");
        changesBehindWatermark = getRuntimeContext().getMetricGroup().counter("changesBehindWatermark");
    }

    @Override
    public void processElement(ScoreChange change, Context ctx, Collector<TopPlayers> out) throws Exception {
        Flush next = flush.value();
        long closeAt = change.tournamentEnd + horizonMillis;
        boolean changed = false;
        if (next == null) {
            next = new Flush();
            ctx.timerService().registerEventTimeTimer(closeAt);
        }
        if (next.closeAt != closeAt) {
            // New, or restored from a state written before closeAt was kept (its close timer is there).
            next.closeAt = closeAt;
            changed = true;
        }
        waiting.add(change);
        long watermark = ctx.timerService().currentWatermark();
        if (change.asOf <= watermark) {
            changesBehindWatermark.inc();
        }
        if (!next.pending) {
            awaitNextWatermark(watermark, ctx);
            next.pending = true;
            changed = true;
        }
        if (changed) {
            flush.update(next);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TopPlayers> out) throws Exception {
        Flush next = flush.value();
        if (next == null) {
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (next.closeAt == Long.MAX_VALUE) {
            // Restored from a state written before closeAt was kept: its close timer is this one or still due.
            next.closeAt = Tournaments.endOf(Tournaments.startOf(ctx.getCurrentKey())) + horizonMillis;
        }
        boolean closing = timestamp >= next.closeAt;
        if (next.pending) {
            // On closing, a change as of later than the close (published over an hour after its month) still counts.
            long appliedThrough = applyWaiting(closing ? Long.MAX_VALUE : watermark, next);
            if (appliedThrough == Long.MIN_VALUE && next.low <= next.high) {
                // Restored from before changes waited here: they were applied on arrival, only the flush is due.
                appliedThrough = watermark;
            }
            if (appliedThrough != Long.MIN_VALUE) {
                emit(ctx, next, appliedThrough, out);
            }
            if (next.pending) {
                awaitNextWatermark(watermark, ctx);
            }
        }
        if (closing) {
            histogram.clear();
            listed.clear();
            waiting.clear();
            flush.clear();
            lastEmitted.clear();
            return;
        }
        flush.update(next);
    }

    private static void awaitNextWatermark(long watermark, Context ctx) {
        ctx.timerService().registerEventTimeTimer(watermark == Long.MIN_VALUE ? watermark : watermark + 1);
    }

    /**
     * Applies the waiting changes as of {@code through} or before, in as-of order (a player's own in
     * the order it made them), and keeps the rest waiting. Returns the latest as-of time applied, or
     * {@code Long.MIN_VALUE} if none was due.
     */
    private long applyWaiting(long through, Flush next) throws Exception {
        List<ScoreChange> due = new ArrayList<>();
        List<ScoreChange> later = new ArrayList<>();
        for (ScoreChange change : waiting.get()) {
            (change.asOf <= through ? due : later).add(change);
        }
        if (later.isEmpty()) {
            waiting.clear();
            next.pending = false;
        } else if (!due.isEmpty()) {
            waiting.update(later);
        }
        if (due.isEmpty()) {
            return Long.MIN_VALUE;
        }
        due.sort(IN_ORDER);
        TopList list = new TopList(capacity, toList(listed.get()), next.everyoneListed);
        boolean listChanged = false;
        for (ScoreChange change : due) {
            apply(change, next);
            if (list.place(new Standing(change.userId, change.score, change.reachedAt))) {
                listChanged = true;
            }
        }
        if (listChanged) {
            listed.update(list.entries());
            next.everyoneListed = list.everyoneListed();
        }
        return due.get(due.size() - 1).asOf;
    }

    private void apply(ScoreChange change, Flush next) throws Exception {
        if (change.isNewPlayer()) {
            // Everyone below the new score has one more player above.
            next.low = Long.MIN_VALUE;
        } else {
            add(change.previousScore, -1);
            next.low = Math.min(next.low, Math.min(change.previousScore, change.score));
        }
        add(change.score, 1);
        next.high = Math.max(next.high, Math.max(change.previousScore, change.score));
    }

    private void emit(OnTimerContext ctx, Flush next, long appliedThrough, Collector<TopPlayers> out) throws Exception {
        String tournament = ctx.getCurrentKey();
        TreeMap<Long, Long> highestFirst = new TreeMap<>(Comparator.reverseOrder());
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
        // Strictly increasing per tournament, so the list's write timestamp orders it after the last
        // (it is already, unless results were published out of order).
        long asOf = next.lastAsOf == Long.MIN_VALUE ? appliedThrough : Math.max(appliedThrough, next.lastAsOf + 1);
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
