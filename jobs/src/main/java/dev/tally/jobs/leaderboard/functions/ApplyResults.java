package dev.tally.jobs.leaderboard.functions;

import dev.tally.jobs.kit.RecordFate;
import dev.tally.jobs.kit.state.EmittedThrough;
import dev.tally.schema.leaderboard.MatchResult;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One player in one tournament (keyed by {@link PlayerKey}): applies its match results, each match's
 * highest revision once, and emits the player's score when the watermark next advances, coalescing
 * every change in between.
 *
 * <p>For the tournament's standings it also sends every change as it happens ({@link #STANDINGS}, held
 * by {@link HoldUntilDue} until the watermark passes its time), as
 * of the result's stream timestamp: its publication time ({@link dev.tally.jobs.leaderboard.ResultTime}), so that a
 * list as of t holds exactly the results published by t, whatever the watermark's pace. A player's
 * changes must reach the standings in their order, which is why they are not coalesced: a coalesced
 * change would carry results of different times. They are as of a time never before the player's
 * previous change, so their chain holds even if a player's results were published out of order.
 *
 * <p>A match is remembered until the watermark passes its {@code ts} + the correction horizon, so a
 * duplicate or correction within it is recognised; a result arriving after that is late (its match
 * may have been forgotten, so applying it could count it twice). All of a player's state goes when
 * the watermark passes its tournament's end + the horizon, when every result for it is late.
 */
public final class ApplyResults extends KeyedProcessFunction<String, MatchResult, ScoreChange>
        implements CheckpointedFunction {

    public static final OutputTag<MatchResult> LATE =
            new OutputTag<>("late-results", new AvroTypeInfo<>(MatchResult.class));

    /** Matches are forgotten a minute at a time, so one forget finds the matches of a whole minute. */
    private static final long FORGET_GRANULARITY = 60_000;

    /** Every change of a player's score or reached_at, one per result that changes it, for the tournament's standings. */
    public static final OutputTag<ScoreChange> STANDINGS =
            new OutputTag<>("standings-changes", TypeInformation.of(ScoreChange.class));

    private final long horizonMillis;

    /** The late test's watermark, from a restore's first record on: the highest any old subtask had. */
    private transient EmittedThrough lateTest;

    private transient MapState<String, MatchEntry> matches;
    private transient ValueState<PlayerTotals> totals;
    private transient Counter duplicates;
    private transient Counter corrections;
    private transient Counter late;
    private transient Counter accepted;

    public ApplyResults(Duration correctionHorizon) {
        this.horizonMillis = correctionHorizon.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        matches = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("matches", Types.STRING, TypeInformation.of(MatchEntry.class)));
        totals = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("totals", TypeInformation.of(PlayerTotals.class)));
        duplicates = RecordFate.DUPLICATE.counter(getRuntimeContext().getMetricGroup());
        late = RecordFate.LATE.counter(getRuntimeContext().getMetricGroup());
        accepted = RecordFate.ACCEPTED.counter(getRuntimeContext().getMetricGroup());
        corrections = getRuntimeContext().getMetricGroup().counter("corrections");
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        lateTest = EmittedThrough.highestRestored();
        lateTest.initializeState(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        lateTest.snapshotState();
    }

    @Override
    public void processElement(MatchResult result, Context ctx, Collector<ScoreChange> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        lateTest.advance(watermark);
        long ts = result.getTs();
        if (ts + horizonMillis <= lateTest.watermark()) {
            late.inc();
            ctx.output(LATE, result);
            return;
        }
        String matchId = result.getMatchId();
        int points = result.getPoints();
        PlayerTotals player = totals.value();
        if (player != null) {
            player.adoptEmittedAsPlaced();
        }
        int slot = player == null ? -1 : player.indexOf(matchId);
        MatchEntry known =
                slot >= 0 ? player.entry(slot) : player != null && player.spilled > 0 ? matches.get(matchId) : null;
        if (known != null && !known.isReplacedBy(result.getRevision(), points)) {
            duplicates.inc();
            return;
        }
        if (player == null) {
            player = new PlayerTotals();
            ctx.timerService().registerEventTimeTimer(Tournaments.endOf(ts) + horizonMillis);
        }
        accepted.inc();
        MatchEntry entry = new MatchEntry(result.getRevision(), points, ts);
        int before = 0;
        if (known == null) {
            long forgetAt = forgetTime(ts);
            if (forgetAt < player.nextForget) {
                // One forget timer at a time, the earliest; forget() registers the next. Results come
                // mostly in ts order, so this spares a RocksDB timer write for nearly every result.
                player.nextForget = forgetAt;
                ctx.timerService().registerEventTimeTimer(forgetAt);
            }
            if (player.hasInlineRoom()) {
                player.add(matchId, entry);
            } else {
                matches.put(matchId, entry);
                player.spilled++;
            }
        } else {
            corrections.inc();
            before = known.points;
            if (slot >= 0) {
                player.set(slot, entry);
            } else {
                matches.put(matchId, entry);
            }
        }
        player.score += points - before;
        player.earliestTs = Math.min(player.earliestTs, ts);
        if (points > 0) {
            player.latestScoringTs = Math.max(player.latestScoringTs, ts);
        } else if (before > 0 && ts == player.latestScoringTs) {
            player.latestScoringTs = latestScoringTs(player);
        }
        Long published = ctx.timestamp();
        place(ctx, player, published == null || published == Long.MIN_VALUE ? ts : published);
        if (!player.pending) {
            // The next watermark fires it: every change until then goes out as one.
            ctx.timerService().registerEventTimeTimer(watermark == Long.MIN_VALUE ? watermark : watermark + 1);
            player.pending = true;
        }
        totals.update(player);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoreChange> out) throws Exception {
        lateTest.advanceOnTimer(timestamp, ctx.timerService().currentWatermark());
        PlayerTotals player = totals.value();
        if (player == null) {
            return;
        }
        player.adoptEmittedAsPlaced();
        if (player.pending) {
            player.pending = false;
            // A row restored from before the standings took every change may hold one they do not have yet.
            place(ctx, player, timestamp);
            if (player.changedSinceEmitted()) {
                // The flush's event time, and after the last emission in any case: a restore starts
                // the watermark over, and a flush before it catches up must still win over the last.
                long writeMicros = Math.max(Math.max(timestamp, 0) * 1000, player.emittedMicros + 1);
                out.collect(change(
                        ctx.getCurrentKey(),
                        player,
                        player.emittedScore,
                        player.emittedReachedAt,
                        timestamp,
                        writeMicros));
                player.emittedScore = player.score;
                player.emittedReachedAt = player.reachedAt();
                player.emittedMicros = writeMicros;
            }
        }
        if (timestamp >= Tournaments.endOf(player.earliestTs) + horizonMillis) {
            if (player.spilled > 0) {
                matches.clear();
            }
            totals.clear();
            return;
        }
        if (timestamp >= player.nextForget) {
            forget(player, timestamp);
            if (player.nextForget != Long.MAX_VALUE) {
                ctx.timerService().registerEventTimeTimer(player.nextForget);
            }
        }
        totals.update(player);
    }

    /** Sends the standings the player's change since the last one sent, if any, as of {@code published} at the earliest. */
    private static void place(Context ctx, PlayerTotals player, long published) {
        if (!player.changedSincePlaced()) {
            return;
        }
        long asOf = Math.max(published, player.placedAsOf);
        long micros = Math.max(asOf * 1000, player.placedMicros + 1);
        ctx.output(
                STANDINGS,
                change(ctx.getCurrentKey(), player, player.placedScore, player.placedReachedAt, asOf, micros));
        player.placedScore = player.score;
        player.placedReachedAt = player.reachedAt();
        player.placedAsOf = asOf;
        player.placedMicros = micros;
    }

    /** The player's change from {@code previousScore} to its score now; the key is {@code game#month#user}. */
    private static ScoreChange change(
            String key, PlayerTotals player, long previousScore, long previousReachedAt, long asOf, long micros) {
        int split = key.indexOf('#', key.indexOf('#') + 1);
        return new ScoreChange(
                key.substring(0, split),
                key.substring(split + 1),
                previousScore,
                previousReachedAt,
                player.score,
                player.reachedAt(),
                asOf,
                Tournaments.endOf(player.earliestTs),
                micros);
    }

    /** Drops the matches whose horizon has passed, keeping what reached_at needs of them. */
    private void forget(PlayerTotals player, long now) throws Exception {
        long next = Long.MAX_VALUE;
        boolean[] keep = new boolean[player.inlineCount()];
        for (int i = 0; i < keep.length; i++) {
            long forgetAt = forgetTime(player.timestamps[i]);
            keep[i] = forgetAt > now;
            if (keep[i]) {
                next = Math.min(next, forgetAt);
            } else if (player.points[i] > 0) {
                player.latestForgottenScoringTs = Math.max(player.latestForgottenScoringTs, player.timestamps[i]);
            }
        }
        player.retain(keep);
        if (player.spilled > 0) {
            for (Iterator<Map.Entry<String, MatchEntry>> it = matches.iterator(); it.hasNext(); ) {
                MatchEntry match = it.next().getValue();
                long forgetAt = forgetTime(match.ts);
                if (forgetAt <= now) {
                    if (match.points > 0) {
                        player.latestForgottenScoringTs = Math.max(player.latestForgottenScoringTs, match.ts);
                    }
                    it.remove();
                    player.spilled--;
                } else {
                    next = Math.min(next, forgetAt);
                }
            }
            if (player.spilled == 0) {
                // On the heap an emptied map is still an entry.
                matches.clear();
            }
        }
        player.nextForget = next;
    }

    /** The latest scoring result after one lost its points: rare (a correction), so a scan. */
    private long latestScoringTs(PlayerTotals player) throws Exception {
        long latest = player.latestForgottenScoringTs;
        for (int i = 0; i < player.inlineCount(); i++) {
            if (player.points[i] > 0) {
                latest = Math.max(latest, player.timestamps[i]);
            }
        }
        if (player.spilled > 0) {
            for (MatchEntry match : matches.values()) {
                if (match.points > 0) {
                    latest = Math.max(latest, match.ts);
                }
            }
        }
        return latest;
    }

    private long forgetTime(long ts) {
        long due = ts + horizonMillis;
        return Math.floorDiv(due + FORGET_GRANULARITY - 1, FORGET_GRANULARITY) * FORGET_GRANULARITY;
    }
}
