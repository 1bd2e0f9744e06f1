package dev.tally.loadgen.metrics;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.metrics.reference.ReferencePoint;
import dev.tally.loadgen.metrics.reference.SeriesKey;
import dev.tally.schema.metrics.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Realistic metric points, deterministic for a seed and start: every series of a fleet
 * ({@link SeriesCatalog}) samples once an interval at its own offset, and each point is sent up to a few
 * seconds after its ts, so the stream is in event-time order but for a little disorder. Faults, each at
 * its rate per sample: exact re-sends; other values for a sample (below or above it, sent before or after
 * it, now and then a third value or the other value twice); samples sent 1 to 3 minutes late (within the
 * job's lateness: always applied); samples held back until the newest ts sent is at least
 * {@link MetricsSettings#lateCandidateBehind()} past them (late candidates: a job whose watermark keeps up
 * routes them to the late topic, one whose watermark lags applies them); undecodable records; points the
 * job must reject; counter restarts, often on a minute's first sample; hosts that go silent for minutes.
 * With {@link MetricsSettings#alertEpisodes()}, the {@link AlertEpisodes}' scripted series come on top, and
 * with {@link MetricsSettings#floodSeriesPerInterval()} a cardinality flood: new series of one metric every
 * interval, more in an hour than the job's limit admits.
 *
 * <p>The Kafka timestamp of a record is the newest event time sent so far (or its own ts when newer), so
 * every valid ts is within the job's event-age and event-future limits. The last records are one closing
 * point per input partition (series {@value #CLOSING_SERIES}), an hour, the lateness and two minutes past
 * the last event time: in an unbounded run they carry every partition's watermark past every bucket and
 * every late candidate's lateness. Every record is reported to the {@link MetricsTruth} as it is handed out.
 */
public final class MetricsGenerator implements Iterator<GeneratedRecord> {

    /** The closing points' metric: no data, the verifier ignores its series. */
    public static final String CLOSING_SERIES = "tally_loadgen_close";

    /** How often a counter restart falls on a minute's first sample, relative to the others. */
    private static final double MINUTE_FIRST_RESET_FACTOR = 6;

    private enum Fault {
        NONE,
        UNDECODABLE,
        INVALID
    }

    /**
     * A record waiting for its send time: a valid point (with its encoding), or the point a rejected
     * record is made from when it is sent. {@code heldLate}: a late candidate, sent only once far enough behind.
     */
    private record Outgoing(
            long sendAt,
            long seq,
            GeneratedRecord.Kind kind,
            Series series,
            MetricPoint point,
            byte[] value,
            Fault fault,
            boolean heldLate) {}

    /**
     * What the generator injected so far, by kind, for the command's summary and the tests (the truth
     * counts what the job must see; these count what was done to the stream, sent or not yet).
     */
    public record Injected(
            long samples,
            long duplicates,
            long conflicts,
            long delayed,
            long late,
            long undecodable,
            long invalid,
            long resets,
            long resetsOnMinuteStart,
            long silences,
            long flood) {}

    /** The running counts behind {@link Injected}. */
    private static final class Counts {
        long samples;
        long duplicates;
        long conflicts;
        long delayed;
        long late;
        long undecodable;
        long invalid;
        long resets;
        long resetsOnMinuteStart;
        long silences;
        long flood;
    }

    private final MetricsSettings settings;
    private final MetricsTruth truth;
    private final SplittableRandom random;
    private final AvroCodec<MetricPoint> codec = AvroCodec.of(MetricPoint.class);
    private final RejectedRecords rejected = new RejectedRecords(codec);
    private final List<Series> series;
    /** Per host, the event time until which it sends nothing. */
    private final long[] silentUntil;
    /** Null when the settings leave the episodes out. */
    private final AlertEpisodes episodes;

    private final PriorityQueue<Outgoing> queue =
            new PriorityQueue<>(Comparator.comparingLong(Outgoing::sendAt).thenComparingLong(Outgoing::seq));
    private final Counts injected = new Counts();
    private final long interval;
    /** The most a follow-up (re-send, other value) is sent after its sample's send time. */
    private final long followUpMax;

    private long seq;
    private long step;
    /** Every valid point of ts below this has been generated: what is queued to be sent before it may go. */
    private long generatedUntil;
    /** The newest event time of a valid point sent; Long.MIN_VALUE before the first. */
    private long front = Long.MIN_VALUE;

    private long emitted;

    /** For a live run ({@link #MetricsGenerator(MetricsSettings, MetricsTruth, LongSupplier)}), or null. */
    private final LongSupplier wallClock;

    public MetricsGenerator(MetricsSettings settings, MetricsTruth truth) {
        this(settings, truth, null);
    }

    /**
     * A generator that hands out each record no earlier than {@code wallClock} reaches its send time,
     * sleeping until then: with the settings' start at now, event time is wall time, as a live fleet's
     * is. The records are the same as without the clock, but for the closing points, which a live feed
     * does not send; only when they come out differs.
     */
    public MetricsGenerator(MetricsSettings settings, MetricsTruth truth, LongSupplier wallClock) {
        this.wallClock = wallClock;
        this.settings = settings;
        this.truth = truth;
        this.random = new SplittableRandom(settings.seed());
        this.series = SeriesCatalog.build(settings, random);
        this.silentUntil = new long[settings.pools() * settings.hostsPerPool()];
        this.episodes = settings.alertEpisodes()
                ? new AlertEpisodes(settings.startMillis(), settings.interval().toMillis())
                : null;
        this.interval = settings.interval().toMillis();
        this.followUpMax = Math.max(1, settings.delayedMax() / 2);
        this.generatedUntil = settings.startMillis();
    }

    /** What was injected so far. */
    public Injected injected() {
        Counts c = injected;
        return new Injected(
                c.samples,
                c.duplicates,
                c.conflicts,
                c.delayed,
                c.late,
                c.undecodable,
                c.invalid,
                c.resets,
                c.resetsOnMinuteStart,
                c.silences,
                c.flood);
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
        // A live feed has no closing points: an hour and more ahead of the wall clock, the broker (or the
        // job, on a LogAppendTime topic) would refuse them.
        long dataRecords = settings.records() - (wallClock == null ? settings.partitions() : 0);
        GeneratedRecord record =
                emitted < dataRecords ? send(awaitSendTime(nextOutgoing())) : closing((int) (emitted - dataRecords));
        emitted++;
        return record;
    }

    /** The queued record to send next, generating intervals until one may go. */
    private Outgoing nextOutgoing() {
        while (true) {
            while (queue.isEmpty() || queue.peek().sendAt() >= generatedUntil) {
                generateInterval();
            }
            Outgoing o = queue.poll();
            if (o.heldLate() && front - o.point().getTs() < settings.lateCandidateBehind()) {
                // The stream has not got far enough past it yet (a sparse fleet): later, then.
                queue.add(new Outgoing(
                        o.sendAt() + interval, seq++, o.kind(), o.series(), o.point(), o.value(), o.fault(), true));
                continue;
            }
            return o;
        }
    }

    private Outgoing awaitSendTime(Outgoing o) {
        if (wallClock != null) {
            // A loop: a sleep's clock is not the wall clock, which may be a millisecond short after it.
            for (long wait = o.sendAt() - wallClock.getAsLong(); wait > 0; wait = o.sendAt() - wallClock.getAsLong()) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting to send a point", e);
                }
            }
        }
        return o;
    }

    private GeneratedRecord send(Outgoing o) {
        long kafkaTimestamp = front == Long.MIN_VALUE ? settings.startMillis() : front;
        switch (o.fault()) {
            case UNDECODABLE -> {
                RejectedRecords.Rejected r = rejected.undecodable(o.series(), o.point());
                truth.deadLetter(r.reason());
                return new GeneratedRecord(r.key(), r.value(), kafkaTimestamp, GeneratedRecord.Kind.MALFORMED);
            }
            case INVALID -> {
                RejectedRecords.Rejected r = rejected.invalid(o.point(), kafkaTimestamp);
                truth.deadLetter(r.reason());
                return new GeneratedRecord(r.key(), r.value(), kafkaTimestamp, GeneratedRecord.Kind.MALFORMED);
            }
            default -> {
                long ts = o.point().getTs();
                long behind = front == Long.MIN_VALUE ? 0 : front - ts;
                boolean candidate = behind >= settings.lateCandidateBehind();
                if (!o.heldLate()
                        && behind
                                > settings.delayedMax() + settings.maxDisorder().toMillis()) {
                    throw new IllegalStateException(
                            "a point meant to be applied was sent " + behind + " ms behind: " + o.point());
                }
                front = Math.max(front, ts);
                truth.point(ReferencePoint.of(o.point()), front, candidate);
                return new GeneratedRecord(o.series().keyBytes, o.value(), front, o.kind());
            }
        }
    }

    /** One closing point, to partition {@code partition}. */
    private GeneratedRecord closing(int partition) {
        long ts = (front == Long.MIN_VALUE ? settings.startMillis() : front) + settings.closingAfter();
        MetricPoint point = MetricPoint.newBuilder()
                .setName(CLOSING_SERIES)
                .setLabels(Map.of("partition", Integer.toString(partition)))
                .setTs(ts)
                .setValue(0.0)
                .setKind(null)
                .build();
        truth.closing();
        byte[] key = SeriesKey.of(point.getName(), point.getLabels()).getBytes(StandardCharsets.UTF_8);
        return new GeneratedRecord(key, codec.encode(point), ts, GeneratedRecord.Kind.CONTROL, partition);
    }

    /** Every series' sample of the next interval, with their faults, into the queue. */
    private void generateInterval() {
        long t = settings.startMillis() + step * interval;
        double silenceChance = settings.silencesPerHostHour() * interval / 3_600_000.0;
        for (int h = 0; h < silentUntil.length; h++) {
            if (t >= silentUntil[h] && random.nextDouble() < silenceChance) {
                silentUntil[h] = t + 120_000 + random.nextLong(240_001);
                injected.silences++;
            }
        }
        for (Series s : series) {
            long ts = t + s.offset;
            boolean minuteFirst = Math.floorMod(ts, 60_000L) < interval;
            double resetChance =
                    minuteFirst ? Math.min(1, settings.resetRate() * MINUTE_FIRST_RESET_FACTOR) : settings.resetRate();
            double previous = s.current();
            double value = s.next(resetChance, random);
            if (s.counter && value < previous) {
                injected.resets++;
                if (minuteFirst) {
                    injected.resetsOnMinuteStart++;
                }
            }
            if (s.host >= 0 && t < silentUntil[s.host]) {
                continue; // the host keeps counting, but nobody hears of it
            }
            sample(s, point(s, ts, value));
        }
        if (episodes != null) {
            // Sent at their ts: the alert decisions made at a minute's close are the reference's only when
            // every point of the minute came before it closed.
            for (AlertEpisodes.Sample e : episodes.samples(t)) {
                enqueue(
                        e.point().getTs(),
                        GeneratedRecord.Kind.POINT,
                        e.series(),
                        e.point(),
                        codec.encode(e.point()),
                        Fault.NONE,
                        false);
            }
        }
        for (int i = 0; i < settings.floodSeriesPerInterval(); i++) {
            flood(step, i, t);
            if (step > 0) {
                flood(step - 1, i, t);
            }
        }
        step++;
        generatedUntil = t + interval;
    }

    /**
     * A sample of the flood's series {@code i} of interval {@code first} (a session that began then), in
     * the interval from {@code t}: on time, free of faults.
     */
    private void flood(long first, int i, long t) {
        Series s = Series.gauge(
                MetricsSettings.FLOOD_METRIC,
                Map.of("session", first + "-" + i),
                null,
                -1,
                random.nextLong(interval),
                0,
                100,
                1,
                random);
        MetricPoint point = point(s, t + s.offset, s.next(0, random));
        enqueue(
                point.getTs() + random.nextLong(settings.maxDisorder().toMillis() + 1),
                GeneratedRecord.Kind.POINT,
                s,
                point,
                codec.encode(point),
                Fault.NONE,
                false);
        injected.flood++;
    }

    /** One sample and its faults. */
    private void sample(Series s, MetricPoint point) {
        injected.samples++;
        long ts = point.getTs();
        byte[] value = codec.encode(point);
        double roll = random.nextDouble();
        long sendAt;
        if (roll < settings.lateRate()) {
            long behind = settings.lateCandidateBehind()
                    + interval
                    + settings.maxDisorder().toMillis();
            sendAt = ts + behind + random.nextLong(300_001);
            enqueue(sendAt, GeneratedRecord.Kind.LATE, s, point, value, Fault.NONE, true);
            injected.late++;
        } else if (roll < settings.lateRate() + settings.delayedRate()) {
            sendAt = ts + settings.delayedMin() + random.nextLong(settings.delayedMax() - settings.delayedMin() + 1);
            enqueue(sendAt, GeneratedRecord.Kind.POINT, s, point, value, Fault.NONE, false);
            injected.delayed++;
        } else {
            sendAt = ts + random.nextLong(settings.maxDisorder().toMillis() + 1);
            if (random.nextDouble() < settings.conflictRate()) {
                conflicts(s, point, sendAt);
            }
            enqueue(sendAt, GeneratedRecord.Kind.POINT, s, point, value, Fault.NONE, false);
            if (random.nextDouble() < settings.duplicateRate()) {
                enqueue(
                        sendAt + 1 + random.nextLong(Math.min(20_000, followUpMax)),
                        GeneratedRecord.Kind.DUPLICATE,
                        s,
                        point,
                        value,
                        Fault.NONE,
                        false);
                injected.duplicates++;
            }
        }
        if (random.nextDouble() < settings.malformedRate()) {
            enqueue(sendAt, GeneratedRecord.Kind.MALFORMED, s, point, null, Fault.UNDECODABLE, false);
            injected.undecodable++;
        }
        if (random.nextDouble() < settings.invalidRate()) {
            enqueue(sendAt, GeneratedRecord.Kind.MALFORMED, s, point, null, Fault.INVALID, false);
            injected.invalid++;
        }
    }

    /**
     * Another value for the sample sent at {@code originalAt}: below or above it, before it (queued first,
     * so it goes first on a tie) or after it; now and then a third value on the other side, or the other
     * value sent twice (one dead letter still).
     */
    private void conflicts(Series s, MetricPoint original, long originalAt) {
        long ts = original.getTs();
        boolean below = random.nextBoolean();
        MetricPoint other = withValue(original, s.conflicting(below, random));
        long at = random.nextDouble() < 0.3
                ? ts + random.nextLong(originalAt - ts + 1)
                : originalAt + 1 + random.nextLong(followUpMax / 2 + 1);
        byte[] otherValue = codec.encode(other);
        enqueue(at, GeneratedRecord.Kind.POINT, s, other, otherValue, Fault.NONE, false);
        injected.conflicts++;
        double roll = random.nextDouble();
        if (roll < 0.25) {
            MetricPoint third = withValue(original, s.conflicting(!below, random));
            enqueue(
                    originalAt + 1 + random.nextLong(followUpMax / 2 + 1),
                    GeneratedRecord.Kind.POINT,
                    s,
                    third,
                    codec.encode(third),
                    Fault.NONE,
                    false);
            injected.conflicts++;
        } else if (roll < 0.5) {
            enqueue(
                    Math.max(at, originalAt) + 1 + random.nextLong(followUpMax / 2 + 1),
                    GeneratedRecord.Kind.DUPLICATE,
                    s,
                    other,
                    otherValue,
                    Fault.NONE,
                    false);
            injected.duplicates++;
        }
    }

    private void enqueue(
            long sendAt,
            GeneratedRecord.Kind kind,
            Series s,
            MetricPoint point,
            byte[] value,
            Fault fault,
            boolean heldLate) {
        queue.add(new Outgoing(sendAt, seq++, kind, s, point, value, fault, heldLate));
    }

    private static MetricPoint point(Series s, long ts, double value) {
        return MetricPoint.newBuilder()
                .setName(s.name)
                .setLabels(s.labels)
                .setTs(ts)
                .setValue(value)
                .setKind(s.declaredKind)
                .build();
    }

    private static MetricPoint withValue(MetricPoint p, double value) {
        return MetricPoint.newBuilder(p).setValue(value).build();
    }
}
