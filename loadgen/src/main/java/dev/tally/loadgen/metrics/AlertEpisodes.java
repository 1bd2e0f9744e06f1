package dev.tally.loadgen.metrics;

import dev.tally.loadgen.metrics.reference.ReferenceAlertRule;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scripted series that take the alert rules of {@link #RULES} through every state, again every
 * {@value #CYCLE_MINUTES} minutes of event time (the minute's place in the cycle is its phase, counted
 * from the run's first minute), each sampled once an interval and sent on time, free of faults:
 * <ul>
 *   <li>{@code tally_episode_load{host="episode-fire"}}: 0.96875 in phases 5 to 14, else 0.5 (HostOverloaded
 *       pending, firing and resolved);
 *   <li>{@code host="episode-pending"}: high in phases 5 and 6 only (pending, then inactive before its 3 minutes);
 *   <li>{@code host="episode-flap"}: high in phases 5, 7, 9 and 11 (HostOverloadedFast stays firing through the
 *       gaps, kept by its keep_firing_for; HostOverloaded flaps between pending and inactive);
 *   <li>{@code tally_episode_requests_total{host="episode-burst"}}: a counter that grows 1 a sample, 65 in phases
 *       20 to 23, and restarts from 3 at the start of phase 22 (RequestBurst pending, firing through the restart,
 *       resolved);
 *   <li>{@code tally_episode_latency_seconds{host="episode-slow"}}: 0.125, but 2 in phases 30 to 33 except on
 *       each minute's first sample (SlowRequests' 0.9-quantile over 2 minutes pending, firing, resolved).
 *   <li>{@code tally_episode_heartbeat{host="episode-silent"}}: 1, but no sample in phase 25 (shorter than
 *       HeartbeatMissing's range: nothing happens) nor in phases 35 to 38 (absent over 2 minutes: pending,
 *       firing, resolved when it is back); after the run's last sample it is absent for good (pending,
 *       then firing).
 * </ul>
 * Values are multiples of 1/32, so every aggregate is exact in any order.
 */
public final class AlertEpisodes {

    static final String LOAD = "tally_episode_load";
    static final String REQUESTS = "tally_episode_requests_total";
    static final String LATENCY = "tally_episode_latency_seconds";
    static final String HEARTBEAT = "tally_episode_heartbeat";
    static final int CYCLE_MINUTES = 40;
    static final int SERIES = 6;

    static final double HIGH = 0.96875;
    static final double NORMAL = 0.5;
    static final double FAST = 0.125;
    static final double SLOW = 2;

    static final List<ReferenceAlertRule> RULES = List.of(
            new ReferenceAlertRule(
                    "HostOverloaded",
                    "avg",
                    Double.NaN,
                    LOAD,
                    null,
                    1,
                    "host",
                    ">",
                    0.9,
                    3,
                    0,
                    Map.of("severity", "page")),
            new ReferenceAlertRule(
                    "HostOverloadedFast",
                    "max",
                    Double.NaN,
                    LOAD,
                    "episode-.*",
                    1,
                    "host",
                    ">=",
                    HIGH,
                    0,
                    2,
                    Map.of("severity", "ticket")),
            new ReferenceAlertRule(
                    "RequestBurst",
                    "increase",
                    Double.NaN,
                    REQUESTS,
                    null,
                    3,
                    "host",
                    ">",
                    500,
                    1,
                    0,
                    Map.of("severity", "page")),
            new ReferenceAlertRule(
                    "SlowRequests",
                    "quantile",
                    0.9,
                    LATENCY,
                    null,
                    2,
                    "host",
                    ">",
                    0.5,
                    1,
                    0,
                    Map.of("severity", "ticket")),
            new ReferenceAlertRule(
                    "HeartbeatMissing",
                    "absent",
                    Double.NaN,
                    HEARTBEAT,
                    null,
                    2,
                    "host",
                    null,
                    1,
                    1,
                    0,
                    Map.of("severity", "page")));

    private static final long MINUTE = 60_000L;

    /** {@link #RULES} as a rules file for the job's {@code --alert-rules}. */
    public static String rulesYaml() {
        return ReferenceAlertRule.yaml(RULES);
    }

    private final long firstMinute;
    private final long interval;
    private final Series fire;
    private final Series pending;
    private final Series flap;
    private final Series burst;
    private final Series slow;
    private final Series heartbeat;
    private double requests;

    AlertEpisodes(long startMillis, long interval) {
        this.firstMinute = Math.floorDiv(startMillis, MINUTE) * MINUTE;
        this.interval = interval;
        // Offsets inside the interval: a sample on a minute's first millisecond is one case to cover.
        this.fire = Series.scripted(LOAD, Map.of("host", "episode-fire"), MetricKind.GAUGE, false, 0);
        this.pending = Series.scripted(LOAD, Map.of("host", "episode-pending"), MetricKind.GAUGE, false, interval / 4);
        this.flap = Series.scripted(LOAD, Map.of("host", "episode-flap"), null, false, interval / 2);
        this.burst = Series.scripted(REQUESTS, Map.of("host", "episode-burst"), null, true, interval - 1);
        this.slow = Series.scripted(LATENCY, Map.of("host", "episode-slow"), MetricKind.GAUGE, false, interval / 3);
        this.heartbeat =
                Series.scripted(HEARTBEAT, Map.of("host", "episode-silent"), MetricKind.GAUGE, false, interval * 2 / 3);
    }

    /** A scripted sample: its series and point. */
    record Sample(Series series, MetricPoint point) {}

    /** Every episode series' sample of the interval starting at {@code t}. */
    List<Sample> samples(long t) {
        List<Sample> samples = new ArrayList<>(SERIES);
        samples.add(sample(fire, t, phase(t + fire.offset) >= 5 && phase(t + fire.offset) < 15 ? HIGH : NORMAL));
        samples.add(
                sample(pending, t, phase(t + pending.offset) == 5 || phase(t + pending.offset) == 6 ? HIGH : NORMAL));
        int flapPhase = phase(t + flap.offset);
        samples.add(sample(flap, t, flapPhase >= 5 && flapPhase <= 11 && flapPhase % 2 == 1 ? HIGH : NORMAL));
        long ts = t + burst.offset;
        int burstPhase = phase(ts);
        boolean restart = burstPhase == 22 && Math.floorMod(ts, MINUTE) < interval;
        requests = restart ? 3 : requests + (burstPhase >= 20 && burstPhase < 24 ? 65 : 1);
        samples.add(sample(burst, t, requests));
        long slowTs = t + slow.offset;
        int slowPhase = phase(slowTs);
        boolean minuteFirst = Math.floorMod(slowTs, MINUTE) < interval;
        samples.add(sample(slow, t, slowPhase >= 30 && slowPhase < 34 && !minuteFirst ? SLOW : FAST));
        int heartbeatPhase = phase(t + heartbeat.offset);
        if (heartbeatPhase != 25 && (heartbeatPhase < 35 || heartbeatPhase > 38)) {
            samples.add(sample(heartbeat, t, 1));
        }
        return samples;
    }

    private int phase(long ts) {
        return (int) Math.floorMod(Math.floorDiv(ts - firstMinute, MINUTE), (long) CYCLE_MINUTES);
    }

    private static Sample sample(Series s, long t, double value) {
        return new Sample(
                s,
                MetricPoint.newBuilder()
                        .setName(s.name)
                        .setLabels(s.labels)
                        .setTs(t + s.offset)
                        .setValue(value)
                        .setKind(s.declaredKind)
                        .build());
    }
}
