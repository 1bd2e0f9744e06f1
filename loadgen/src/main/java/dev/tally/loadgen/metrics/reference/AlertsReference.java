package dev.tally.loadgen.metrics.reference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The alert events a correct metrics job writes for some rules, computed from the SPEC's alerting rules on
 * the raw points (not on minute rollups, as the job does), importing nothing of the job:
 * <ul>
 *   <li>An alert is one rule and one value of its {@code by} label among the series the rule selects.
 *   <li>It is evaluated at every minute end T from the end of its first minute with a sample until its
 *       range and then its keep-firing time have passed its last such minute; at T its value is the
 *       aggregation of the samples of its series with ts in [T - range, T): their average, their largest,
 *       their increase (per series, over each two consecutive samples p, v: v - p, or v when v &lt; p;
 *       summed over the series), or their q-quantile, exact here: the sample at rank floor(q (n - 1))
 *       in ascending order (the job's, from sketches, is within 1% of it). No sample in the range: no
 *       value, the condition does not hold.
 *   <li>States, as Prometheus's: inactive; when the condition holds, PENDING (FIRING at once when
 *       {@code for} is 0), FIRING once it has held since {@code for} ago; when it stops holding, a pending
 *       alert is INACTIVE and a firing one RESOLVED once {@code keep_firing_for} has passed since it last
 *       held. Each change is an event at T, with the value of T (or the last value, when T has none),
 *       the time the condition started holding, and the labels {@code by} and the rule's own labels.
 *   <li>Decisions are made as a minute closes: the points must have come before it closed (sent before
 *       the newest ts reached the minute's end plus the job's 15 s watermark delay). The reference
 *       refuses points that did not, as a correct job may have decided without them.
 * </ul>
 */
public final class AlertsReference {

    private static final long MINUTE = 60_000L;
    /** The job's watermark delay: a minute closes once a point 15 s past its end was read. */
    private static final long WATERMARK_DELAY = 15_000L;

    /** One event: the id is {@code alert{labels}@ts:state}, labels as in a series key ({@code {}} for none). */
    public record ExpectedAlert(
            String id,
            String alert,
            Map<String, String> labels,
            String state,
            String severity,
            double value,
            double threshold,
            long activeSince,
            long ts) {

        public ExpectedAlert {
            labels = new TreeMap<>(labels);
        }

        /** Alert and labels: what an alert's latest state is keyed by. */
        public String alertKey() {
            return SeriesKey.of(alert, labels);
        }

        /** The event with another value. */
        public ExpectedAlert withValue(double other) {
            return new ExpectedAlert(id, alert, labels, state, severity, other, threshold, activeSince, ts);
        }

        /** The event without its id, as the latest-state table keeps it. */
        public ExpectedAlert withoutId() {
            return new ExpectedAlert(null, alert, labels, state, severity, value, threshold, activeSince, ts);
        }
    }

    /**
     * @param events every event, by id
     * @param latest each alert's last event (no id), by {@link ExpectedAlert#alertKey()}
     */
    public record Result(Map<String, ExpectedAlert> events, Map<String, ExpectedAlert> latest) {}

    private AlertsReference() {}

    public static Result compute(List<ReferenceAlertRule> rules, Iterable<SentPoint> sent) {
        Map<String, ExpectedAlert> events = new TreeMap<>();
        Map<String, ExpectedAlert> latest = new TreeMap<>();
        for (ReferenceAlertRule rule : rules) {
            Pattern host = rule.hostPattern() == null ? null : Pattern.compile(rule.hostPattern());
            // group label value -> series key -> ts -> value
            Map<String, Map<String, TreeMap<Long, Double>>> groups = new TreeMap<>();
            for (SentPoint s : sent) {
                ReferencePoint p = s.point();
                if (!p.name().equals(rule.metric())) {
                    continue;
                }
                String hostLabel = p.labels().get("host");
                if (host != null
                        && (hostLabel == null || !host.matcher(hostLabel).matches())) {
                    continue;
                }
                long minuteEnd = Math.floorDiv(p.ts(), MINUTE) * MINUTE + MINUTE;
                if (s.kafkaTimestamp() >= minuteEnd + WATERMARK_DELAY) {
                    throw new IllegalArgumentException(
                            "a point of rule " + rule.alert() + " was sent after its minute could close"
                                    + " (newest ts " + s.kafkaTimestamp() + "): no exact expectation. " + p);
                }
                String group = p.labels().getOrDefault(rule.by(), "");
                groups.computeIfAbsent(group, g -> new HashMap<>())
                        .computeIfAbsent(p.seriesKey(), k -> new TreeMap<>())
                        .merge(p.ts(), p.value() == 0 ? 0.0 : p.value(), Math::min);
            }
            groups.forEach((group, series) -> {
                Map<String, String> labels = new TreeMap<>();
                if (!group.isEmpty()) {
                    labels.put(rule.by(), group);
                }
                labels.putAll(rule.labels());
                for (ExpectedAlert e : evaluate(rule, labels, series)) {
                    events.put(e.id(), e);
                    latest.put(e.alertKey(), e.withoutId());
                }
            });
        }
        return new Result(events, latest);
    }

    /** One alert's events, in time order. */
    private static List<ExpectedAlert> evaluate(
            ReferenceAlertRule rule, Map<String, String> labels, Map<String, TreeMap<Long, Double>> series) {
        long range = rule.rangeMinutes() * MINUTE;
        TreeSet<Long> evaluations = new TreeSet<>();
        if (rule.isAbsent()) {
            // Absent holds where no sample is: every minute end from the first sample's minute on, until it has
            // held for `for` after the last (after that, nothing changes but when samples return).
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (TreeMap<Long, Double> samples : series.values()) {
                first = Math.min(first, samples.firstKey());
                last = Math.max(last, samples.lastKey());
            }
            long end = Math.floorDiv(last, MINUTE) * MINUTE + MINUTE;
            long through = end + range + (rule.forMinutes() + rule.keepFiringForMinutes()) * MINUTE;
            for (long t = Math.floorDiv(first, MINUTE) * MINUTE + MINUTE; t <= through; t += MINUTE) {
                evaluations.add(t);
            }
        }
        for (TreeMap<Long, Double> samples : series.values()) {
            for (long ts : samples.keySet()) {
                long end = Math.floorDiv(ts, MINUTE) * MINUTE + MINUTE;
                for (int k = 0; k <= rule.rangeMinutes() + rule.keepFiringForMinutes(); k++) {
                    evaluations.add(end + k * MINUTE);
                }
            }
        }
        List<ExpectedAlert> events = new ArrayList<>();
        String state = null;
        long activeSince = 0;
        long lastHeld = 0;
        double lastValue = 0;
        for (long t : evaluations) {
            Double value = value(rule, series, t - range, t);
            boolean holds = rule.isAbsent() ? value == null : value != null && rule.holds(value);
            if (rule.isAbsent()) {
                value = holds ? 1.0 : 0.0;
            }
            String next = state;
            if (holds) {
                if (state == null) {
                    activeSince = t;
                    next = rule.forMinutes() == 0 ? "FIRING" : "PENDING";
                } else if (state.equals("PENDING") && t - activeSince >= rule.forMinutes() * MINUTE) {
                    next = "FIRING";
                }
                lastHeld = t;
            } else if ("PENDING".equals(state)) {
                next = "INACTIVE";
            } else if ("FIRING".equals(state) && t - lastHeld >= rule.keepFiringForMinutes() * MINUTE) {
                next = "RESOLVED";
            }
            if (value != null && state != null || holds) {
                lastValue = value;
            }
            if (next != null && !next.equals(state)) {
                String id = rule.alert() + (labels.isEmpty() ? "{}" : SeriesKey.of("", labels)) + "@" + t + ":" + next;
                events.add(new ExpectedAlert(
                        id,
                        rule.alert(),
                        labels,
                        next,
                        rule.labels().get("severity"),
                        lastValue,
                        rule.threshold(),
                        activeSince,
                        t));
            }
            state = next == null || next.equals("INACTIVE") || next.equals("RESOLVED") ? null : next;
        }
        return events;
    }

    /** The rule's aggregation over the samples with ts in [from, to), or null when there is none. */
    private static Double value(
            ReferenceAlertRule rule, Map<String, TreeMap<Long, Double>> series, long from, long to) {
        long count = 0;
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        double increase = 0;
        List<Double> all = new ArrayList<>();
        for (TreeMap<Long, Double> samples : series.values()) {
            Double previous = null;
            for (double v : samples.subMap(from, true, to, false).values()) {
                all.add(v);
                count++;
                sum += v;
                max = Math.max(max, v);
                if (previous != null) {
                    increase += v >= previous ? v - previous : v;
                }
                previous = v;
            }
        }
        if (count == 0) {
            return null;
        }
        return switch (rule.aggregation()) {
            case "absent" -> 0.0; // holds only without samples
            case "avg" -> sum / count;
            case "max" -> max;
            case "quantile" -> {
                all.sort(null);
                yield all.get((int) Math.floor(rule.q() * (all.size() - 1)));
            }
            default -> increase;
        };
    }
}
