package dev.tally.loadgen.leaderboard;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.ZipfTable;
import dev.tally.schema.leaderboard.MatchResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Realistic match results, deterministic for a seed and start: two-player matches between players of
 * Zipf-skewed activity (and a bot in about 2% of them), a little disorder behind the stream front, and
 * injected faults, each a share of the records: recent duplicates, corrections (both players' records
 * again with the next revision and the winner swapped), new matches far behind the front and stale
 * re-sends (both beyond the job's correction horizon: late), and malformed records. When the stream
 * crosses a UTC month boundary, a match is placed in the month's last 100 ms and the next at its first
 * millisecond. Every record is reported to the {@link LeaderboardTruth} as it is handed out, so the
 * truth holds exactly the records sent, even when the stream ends between a match's two records.
 *
 * <p>The Kafka timestamp of every record is the stream front: the event time at which it is "sent"; so
 * is the {@code published_at} of every result (a re-send carries its original's bytes, and time).
 */
public final class LeaderboardGenerator implements Iterator<GeneratedRecord> {

    static final String BOT = "bot-0";
    /** Corrections are of matches up to this far behind the front: well inside the job's 1 h horizon. */
    static final long CORRECTABLE_MILLIS = 10 * 60_000L;
    /** Stale re-sends keep within a day of the front: far from the job's 7 d event-age limit (a dead letter). */
    private static final long STALE_KEPT_MILLIS = 24 * 3_600_000L;

    private static final String[] GAMES = {"chess", "go", "shogi", "xiangqi", "checkers", "othello", "backgammon", "hex"
    };

    /** What a record is, for the truth; the kinds of one generation step. */
    private enum Effect {
        RESULT,
        CORRECTION,
        DUPLICATE,
        LATE_RESULT,
        STALE_DUPLICATE,
        MALFORMED
    }

    /** A record waiting to be handed out, with the result it carries (null when malformed). */
    private record Pending(GeneratedRecord record, MatchResult result, Effect effect) {}

    /** A record handed out that a fault may re-send. */
    private record Sent(GeneratedRecord record, MatchResult result) {}

    /** A match that a correction may revise: its current revision and winner. */
    private static final class Match {
        final String id;
        final String game;
        final long ts;
        final String[] users;
        int winner;
        int revision;

        Match(String id, String game, long ts, String[] users, int winner) {
            this.id = id;
            this.game = game;
            this.ts = ts;
            this.users = users;
            this.winner = winner;
        }
    }

    private final LeaderboardSettings settings;
    private final LeaderboardTruth truth;
    private final SplittableRandom random;
    private final ZipfTable activity;
    private final AvroCodec<MatchResult> codec = AvroCodec.of(MatchResult.class);
    /** Cumulative probabilities of the fault steps, in {@link Effect} order (RESULT's is 0); the rest are new matches. */
    private final double[] stepCdf;

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Recent records, for duplicates. */
    private final RecentRing<Sent> recent = new RecentRing<>(64);
    /** About one record a second of event time, waiting to be older than the stale age. */
    private final ArrayDeque<Sent> aging = new ArrayDeque<>();
    /** Records older than the stale age, for stale duplicates. */
    private final RecentRing<Sent> stale = new RecentRing<>(64);
    /** Matches of the last {@link #CORRECTABLE_MILLIS}, for corrections. */
    private final RecentRing<Match> correctable = new RecentRing<>(4096);

    private long emitted;
    /** New on-time matches so far: they, and only they, advance the front. */
    private long matches;
    /** Match ids handed out, late and malformed ones included. */
    private long serial;

    private long malformed;
    private long lastAgedTs = Long.MIN_VALUE;
    /** The next UTC month start the front has not reached. */
    private long nextMonth;
    /** After the last-100-ms match of a month: the month start the next match is placed at, or -1. */
    private long monthStartNext = -1;

    /** For a live run ({@link #LeaderboardGenerator(LeaderboardSettings, LeaderboardTruth, LongSupplier)}), or null. */
    private final LongSupplier wallClock;

    public LeaderboardGenerator(LeaderboardSettings settings, LeaderboardTruth truth) {
        this(settings, truth, null);
    }

    /**
     * A generator whose front never falls behind {@code wallClock}: for a live run, where records are
     * published now (a probe's results are), so that the load's publication times are not behind
     * theirs by the setup time and the pacing's drift. Not deterministic; a truth of it is still exact.
     */
    public LeaderboardGenerator(LeaderboardSettings settings, LeaderboardTruth truth, LongSupplier wallClock) {
        this.wallClock = wallClock;
        this.settings = settings;
        this.truth = truth;
        this.random = new SplittableRandom(settings.seed());
        this.activity = new ZipfTable(settings.players(), settings.zipfExponent());
        this.nextMonth = monthStartAfter(settings.startMillis());
        // Steps of two records (matches, corrections, late matches) are half as likely per step as their
        // share of records, so each kind ends up with its share of the records.
        double newMatches = 1
                - settings.correctionShare()
                - settings.lateShare()
                - settings.duplicateShare()
                - settings.staleDuplicateShare()
                - settings.malformedShare();
        double[] weights = {
            0,
            settings.correctionShare() / 2,
            settings.duplicateShare(),
            settings.lateShare() / 2,
            settings.staleDuplicateShare(),
            settings.malformedShare()
        };
        double total = newMatches / 2;
        for (double w : weights) {
            total += w;
        }
        stepCdf = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i] / total;
            stepCdf[i] = sum;
        }
    }

    @Override
    public boolean hasNext() {
        return emitted < settings.records();
    }

    @Override
    public GeneratedRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (pending.isEmpty()) {
            step();
        }
        Pending p = pending.poll();
        emitted++;
        switch (p.effect()) {
            case RESULT -> {
                truth.result(p.result());
                remember(p);
            }
            case CORRECTION -> {
                truth.correction(p.result());
                remember(p);
            }
            case DUPLICATE -> truth.duplicate(p.result());
            case LATE_RESULT -> truth.lateResult(p.result());
            case STALE_DUPLICATE -> truth.staleDuplicate(p.result());
            case MALFORMED -> truth.malformed();
        }
        return p.record();
    }

    /** The event time the stream has reached: the latest a record can carry, and every record's Kafka timestamp. */
    private long front() {
        long front = settings.startMillis() + matches * 1000 / settings.matchesPerSecond();
        return wallClock == null ? front : Math.max(front, wallClock.getAsLong());
    }

    /** Adds the records of one step: a new match, or a fault when there is something to inject it on. */
    private void step() {
        long front = front();
        forgetOld(front);
        switch (stepKind()) {
            case CORRECTION -> {
                if (correctable.isEmpty()) {
                    match(front);
                } else {
                    correction(front);
                }
            }
            case DUPLICATE -> {
                if (recent.isEmpty()) {
                    match(front);
                } else {
                    resend(recent.pick(random), front, GeneratedRecord.Kind.DUPLICATE, Effect.DUPLICATE);
                }
            }
            case LATE_RESULT -> {
                // Only once the stream has run for lateBy: every partition's watermark is then well past
                // the match's ts plus the horizon, whichever partitions the job happened to read first.
                if (front - settings.lateBy().toMillis() < settings.startMillis()) {
                    match(front);
                } else {
                    lateMatch(front);
                }
            }
            case STALE_DUPLICATE -> {
                if (stale.isEmpty()) {
                    match(front);
                } else {
                    resend(stale.pick(random), front, GeneratedRecord.Kind.LATE, Effect.STALE_DUPLICATE);
                }
            }
            case MALFORMED -> malformed(front);
            default -> match(front);
        }
    }

    private Effect stepKind() {
        double roll = random.nextDouble();
        for (Effect kind : Effect.values()) {
            if (roll < stepCdf[kind.ordinal()]) {
                return kind;
            }
        }
        return Effect.RESULT;
    }

    /** Drops what is too old for its fault, and moves aged records to the stale ones. */
    private void forgetOld(long front) {
        while (!correctable.isEmpty() && correctable.oldest().ts < front - CORRECTABLE_MILLIS) {
            correctable.removeOldest();
        }
        while (!aging.isEmpty()
                && aging.peekFirst().result().getTs()
                        < front - settings.staleBy().toMillis()) {
            stale.add(aging.pollFirst());
        }
        while (!stale.isEmpty() && stale.oldest().result().getTs() < front - STALE_KEPT_MILLIS) {
            stale.removeOldest();
        }
    }

    /** A new on-time match: both players' records, at most the disorder behind the front. */
    private void match(long front) {
        matches++;
        long ts = Math.max(settings.startMillis(), front - disorder());
        if (front >= nextMonth) {
            // The stream crossed into a new month: a match in the old month's last 100 ms, the next at the new one's
            // start.
            ts = Math.max(settings.startMillis(), nextMonth - 1 - random.nextInt(100));
            monthStartNext = nextMonth;
            nextMonth = monthStartAfter(front);
        } else if (monthStartNext >= 0) {
            ts = monthStartNext;
            monthStartNext = -1;
        }
        Match m = newMatch(ts);
        correctable.add(m);
        enqueueBoth(m, front, GeneratedRecord.Kind.RESULT, Effect.RESULT);
    }

    /** Both records of a recent match again, with the next revision and the winner swapped. */
    private void correction(long front) {
        Match m = correctable.pick(random);
        m.revision++;
        m.winner = 1 - m.winner;
        enqueueBoth(m, front, GeneratedRecord.Kind.CORRECTION, Effect.CORRECTION);
    }

    /** A new match lateBy behind the front: beyond the horizon, so the job must not apply it. */
    private void lateMatch(long front) {
        enqueueBoth(
                newMatch(front - settings.lateBy().toMillis()), front, GeneratedRecord.Kind.LATE, Effect.LATE_RESULT);
    }

    /** The exact bytes of an earlier record, sent again now. */
    private void resend(Sent original, long front, GeneratedRecord.Kind kind, Effect effect) {
        GeneratedRecord r = original.record();
        pending.add(new Pending(new GeneratedRecord(r.key(), r.value(), front, kind), original.result(), effect));
    }

    private Match newMatch(long ts) {
        String game = game();
        String a;
        String b;
        if (random.nextDouble() < settings.botShare()) {
            a = BOT;
            b = player();
        } else {
            a = player();
            do {
                b = player();
            } while (b.equals(a));
        }
        String[] users = random.nextBoolean() ? new String[] {a, b} : new String[] {b, a};
        return new Match(matchId(), game, ts, users, random.nextInt(2));
    }

    private void enqueueBoth(Match m, long front, GeneratedRecord.Kind kind, Effect effect) {
        for (int side = 0; side < 2; side++) {
            MatchResult result = MatchResult.newBuilder()
                    .setMatchId(m.id)
                    .setGame(m.game)
                    .setUserId(m.users[side])
                    .setPoints(side == m.winner ? 1 : 0)
                    .setTs(m.ts)
                    .setRevision(m.revision)
                    .setPublishedAt(front)
                    .build();
            pending.add(new Pending(
                    new GeneratedRecord(key(m.users[side]), codec.encode(result), front, kind), result, effect));
        }
    }

    /** A record a later fault may re-send: every recent one, and about one a second of event time to grow stale. */
    private void remember(Pending p) {
        Sent sent = new Sent(p.record(), p.result());
        recent.add(sent);
        long ts = p.result().getTs();
        if (ts >= lastAgedTs + 1000) {
            aging.addLast(sent);
            lastAgedTs = ts;
        }
    }

    /** One of five ways to be a dead letter, in turn. */
    private void malformed(long front) {
        long kind = malformed++;
        String user = player();
        MatchResult.Builder valid = MatchResult.newBuilder()
                .setMatchId(matchId())
                .setGame(game())
                .setUserId(user)
                .setPoints(1)
                .setTs(front)
                .setRevision(0);
        byte[] value;
        switch ((int) (kind % 5)) {
            case 0 -> {
                value = new byte[1 + random.nextInt(40)];
                random.nextBytes(value);
                value[0] = '{'; // never the Avro marker
            }
            case 1 -> {
                valid.setUserId("");
                user = "";
                value = codec.encode(valid.build());
            }
            case 2 -> value = codec.encode(valid.setPoints(-1).build());
            case 3 -> value = codec.encode(valid.setPoints(1000).build()); // above the job's --max-points (100)
            default ->
                value = codec.encode(valid.setGame(valid.getGame() + "#blitz").build());
        }
        GeneratedRecord record = new GeneratedRecord(key(user), value, front, GeneratedRecord.Kind.MALFORMED);
        pending.add(new Pending(record, null, Effect.MALFORMED));
    }

    private long disorder() {
        long max = settings.maxDisorder().toMillis();
        return max == 0 ? 0 : random.nextLong(max + 1);
    }

    private String player() {
        return "player-" + (activity.sample(random) + 1);
    }

    private String game() {
        int g = random.nextInt(settings.games());
        return g < GAMES.length ? GAMES[g] : "game-" + (g + 1);
    }

    /** Unique in a stream, and unlikely to meet another seed's. */
    private String matchId() {
        long i = serial++;
        long mixed = settings.seed() * 0x9E3779B97F4A7C15L + i;
        mixed ^= mixed >>> 33;
        mixed *= 0xff51afd7ed558ccdL;
        mixed ^= mixed >>> 33;
        return "m-" + Long.toHexString(mixed) + "-" + Long.toHexString(i);
    }

    private static byte[] key(String userId) {
        return userId.getBytes(StandardCharsets.UTF_8);
    }

    /** The first UTC month start after {@code millis}. */
    static long monthStartAfter(long millis) {
        return YearMonth.from(Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC))
                .plusMonths(1)
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
    }
}
