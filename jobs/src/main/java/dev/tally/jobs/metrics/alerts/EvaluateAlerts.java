package dev.tally.jobs.metrics.alerts;

import com.datadoghq.sketch.ddsketch.DDSketch;
import dev.tally.jobs.metrics.functions.Rollup;
import dev.tally.jobs.metrics.functions.SeriesKeys;
import dev.tally.jobs.metrics.functions.ValueSketches;
import dev.tally.schema.metrics.AlertEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One alert (a rule and a label set), evaluated in event time at every minute close over the minute
 * rollups of its series, with Prometheus's states: a condition that holds makes the alert PENDING (or
 * FIRING at once when {@code for} is 0); still holding {@code for} after it started, FIRING; no longer
 * holding, a pending alert goes INACTIVE and a firing one RESOLVED once {@code keep_firing_for} has passed
 * since it last held. Each change is one {@link AlertEvent} at the minute's end.
 *
 * <p>A minute is evaluated when the watermark passes its end, with the rollups as they closed: a point
 * that arrives later (within the lateness) updates the rollups but not the alert decisions already made,
 * as an alert manager cannot take back a notification. A rollup of an evaluated minute is ignored here.
 *
 * <p>The watermark starts over when the job restores from a checkpoint, while the rollups of points
 * replayed late still come (within the allowed lateness): so a key also keeps the end of its last
 * evaluation, and ignores rollups of minutes up to it, until the lateness has passed after it.
 *
 * <p>The evaluation timers of a minute are registered when its first rollup arrives, for every minute
 * end until it has left the range and the keep-firing time (in BATCH mode a timer registered from a timer
 * would never fire); a key's state is gone once its last minute has left the range, it is inactive, and
 * the lateness has passed.
 *
 * <p>An {@code absent} rule holds when none of the alert's series has a sample in the range, so its
 * alert is evaluated after its last sample too: a minute's timers reach until it has left the range
 * and {@code for} has passed, so a series that stops is PENDING, then FIRING, and stays FIRING (one
 * status in keyed state, as long as the series stays away: Prometheus's absent does the same) until a
 * sample comes back. Only series the job has seen can be absent: one that never sent anything has no
 * alert.
 */
public final class EvaluateAlerts extends KeyedProcessFunction<String, RuleSample, AlertEvent> {

    private static final long MINUTE = 60_000L;

    private final List<AlertRule> rules;
    private final long allowedLatenessMillis;

    /** {@code minute|series} -> that series' minute. */
    private transient MapState<String, RuleSample> minutes;

    private transient ValueState<AlertStatus> status;
    /** The end of the key's last evaluation with data or an active alert. */
    private transient ValueState<Long> evaluatedThrough;
    /** What the key knows of its timers and minutes without reading them (null: nothing, as after an older version's state). */
    private transient ValueState<AlertBook> book;

    public EvaluateAlerts(List<AlertRule> rules, Duration allowedLateness) {
        this.rules = List.copyOf(rules);
        this.allowedLatenessMillis = allowedLateness.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        minutes = getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>("alert-minutes", Types.STRING, TypeInformation.of(RuleSample.class)));
        status = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("alert-status", TypeInformation.of(AlertStatus.class)));
        evaluatedThrough =
                getRuntimeContext().getState(new ValueStateDescriptor<>("alert-evaluated-through", Types.LONG));
        book = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("alert-book", TypeInformation.of(AlertBook.class)));
    }

    @Override
    public void processElement(RuleSample sample, Context ctx, Collector<AlertEvent> out) throws Exception {
        long minuteClose = sample.minute + MINUTE - 1;
        Long through = evaluatedThrough.value();
        if (minuteClose <= ctx.timerService().currentWatermark() || (through != null && minuteClose < through)) {
            return; // a late change of a minute already evaluated
        }
        AlertRule rule = rules.get(sample.rule);
        // An absent rule's condition starts to hold when this minute has left the range: then it needs
        // the evaluations until it has held for `for` too.
        long last = minuteClose
                + rule.rangeMillis()
                + ceilMinutes(rule.keepFiringForMillis())
                + (isAbsent(rule) ? ceilMinutes(rule.forMillis()) : 0);
        AlertBook known = book.value();
        if (known == null) {
            known = new AlertBook();
        }
        registerEvaluations(ctx, known, minuteClose, last);
        known.entries++; // at most one too many, when this replaces an entry: only an empty map is taken at its word
        book.update(known);
        minutes.put(sample.minute + "|" + sample.series, sample);
    }

    /**
     * Timers at every minute close from {@code first} to {@code last} (both minute closes after the
     * watermark), but for those in the book's interval: those have not fired (they are after the
     * watermark too) and are still registered. Without it every sample registered its range's timers
     * again, each a write to RocksDB's timer state.
     */
    private void registerEvaluations(Context ctx, AlertBook known, long first, long last) {
        if (known.hasTimers && first >= known.timersFrom && last <= known.timersThrough) {
            return;
        }
        if (known.hasTimers && first <= known.timersThrough + MINUTE && last >= known.timersFrom - MINUTE) {
            for (long close = first; close < known.timersFrom; close += MINUTE) {
                ctx.timerService().registerEventTimeTimer(close);
            }
            for (long close = Math.max(first, known.timersThrough + MINUTE); close <= last; close += MINUTE) {
                ctx.timerService().registerEventTimeTimer(close);
            }
            known.timersFrom = Math.min(first, known.timersFrom);
            known.timersThrough = Math.max(last, known.timersThrough);
            return;
        }
        for (long close = first; close <= last; close += MINUTE) {
            ctx.timerService().registerEventTimeTimer(close);
        }
        if (!known.hasTimers || last > known.timersThrough) {
            known.hasTimers = true;
            known.timersFrom = first;
            known.timersThrough = last;
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        long evaluation = timestamp + 1;
        String key = ctx.getCurrentKey();
        AlertRule rule = rules.get(Integer.parseInt(key.substring(0, key.indexOf('|'))));
        long from = evaluation - rule.rangeMillis();
        List<RuleSample> inRange = new ArrayList<>();
        String[] groupLabels = null;
        List<String> done = new ArrayList<>();
        AlertBook known = book.value();
        int entries = 0;
        // An alert whose minutes are all gone is not read: in RocksDB a seek into an emptied map skips
        // its tombstones and those of every emptied map after it, which made the evaluations of a
        // watermark jump over 50,000 alerts quadratic.
        if (known == null || known.entries > 0) {
            for (Map.Entry<String, RuleSample> entry : minutes.entries()) {
                entries++;
                RuleSample s = entry.getValue();
                groupLabels = s.groupLabels;
                if (s.minute < from + MINUTE) {
                    // No later evaluation needs it (their ranges start after it); this one may.
                    if (s.minute >= from) {
                        inRange.add(s);
                    }
                    done.add(entry.getKey());
                } else if (s.minute < evaluation) {
                    inRange.add(s);
                }
            }
            for (String entry : done) {
                minutes.remove(entry);
            }
            if (known != null && known.entries != entries - done.size()) {
                known.entries = entries - done.size();
                book.update(known);
            }
        }
        AlertStatus current = status.value();
        if (groupLabels == null) {
            if (current == null && !isAbsent(rule)) {
                Long through = evaluatedThrough.value();
                if (through != null && evaluation - through >= allowedLatenessMillis) {
                    evaluatedThrough.clear();
                    book.clear();
                }
                return;
            }
            // An absent rule's alert is evaluated after its series stopped: its labels are its key's.
            groupLabels = current != null ? current.groupLabels : groupLabelsOf(key);
        }
        Long previous = evaluatedThrough.value();
        evaluatedThrough.update(evaluation);
        Double value = value(rule, inRange);
        boolean holds = value != null && rule.comparison().test(value, rule.threshold());
        if (isAbsent(rule) && current != null && !holds && previous != null && previous < evaluation - MINUTE) {
            // No evaluation between the last one and this: no sample was in range at those minute ends (each
            // sample's timers cover its range), so absent held at each of them, the last a minute ago.
            current.lastHeld = Math.max(current.lastHeld, evaluation - MINUTE);
        }
        AlertStatus next = transition(rule, current, holds, value, evaluation);
        if (next != null && (current == null || !next.state.equals(current.state))) {
            out.collect(event(rule, ctx.getCurrentKey(), groupLabels, next, evaluation));
        }
        if (next == null || next.state.equals(AlertStatus.INACTIVE) || next.state.equals(AlertStatus.RESOLVED)) {
            if (current != null) {
                status.clear(); // a delete, so not for an alert that stays inactive
            }
            if (entries == done.size()) {
                // Rollups of the minutes evaluated may still come until the lateness has passed: ignored until then.
                ctx.timerService().registerEventTimeTimer(ceilMinutes(evaluation + allowedLatenessMillis) - 1);
            }
        } else {
            next.groupLabels = groupLabels;
            status.update(next);
        }
    }

    /**
     * The alert's state after an evaluation at {@code now}: null when it stays inactive; an INACTIVE or
     * RESOLVED status is the change that ends it.
     */
    static AlertStatus transition(AlertRule rule, AlertStatus current, boolean holds, Double value, long now) {
        if (holds) {
            AlertStatus next = new AlertStatus();
            next.lastHeld = now;
            next.lastValue = value;
            if (current == null) {
                next.activeSince = now;
                next.state = rule.forMillis() == 0 ? AlertStatus.FIRING : AlertStatus.PENDING;
            } else {
                next.activeSince = current.activeSince;
                next.state = current.state.equals(AlertStatus.FIRING) || now - current.activeSince >= rule.forMillis()
                        ? AlertStatus.FIRING
                        : AlertStatus.PENDING;
            }
            return next;
        }
        if (current == null) {
            return null;
        }
        AlertStatus next = new AlertStatus();
        next.activeSince = current.activeSince;
        next.lastHeld = current.lastHeld;
        next.lastValue = value != null ? value : current.lastValue;
        if (current.state.equals(AlertStatus.PENDING)) {
            next.state = AlertStatus.INACTIVE;
        } else {
            next.state =
                    now - current.lastHeld >= rule.keepFiringForMillis() ? AlertStatus.RESOLVED : AlertStatus.FIRING;
        }
        return next;
    }

    /**
     * The rule's aggregate over the minutes of its range, or null when none of its series has a sample
     * there: each series' minutes merged in time order (so a counter's increase takes in the pairs across
     * minute edges, as the hour rollups do), then the series combined.
     */
    static Double value(AlertRule rule, List<RuleSample> inRange) {
        if (rule.aggregation() == AlertRule.Aggregation.QUANTILE) {
            return quantile(rule.quantile(), inRange);
        }
        if (isAbsent(rule)) {
            return inRange.isEmpty() ? 1.0 : 0.0; // every minute rollup holds a sample
        }
        Map<String, List<RuleSample>> bySeries = new TreeMap<>();
        for (RuleSample s : inRange) {
            bySeries.computeIfAbsent(s.series, k -> new ArrayList<>()).add(s);
        }
        long count = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        Rollup last = null;
        Double increase = null;
        for (List<RuleSample> minutesOfSeries : bySeries.values()) {
            minutesOfSeries.sort(Comparator.comparingLong(s -> s.minute));
            Rollup series =
                    Rollup.mergeAll(minutesOfSeries.stream().map(s -> s.rollup).toList());
            count += series.count;
            sum += series.sum;
            min = Math.min(min, series.min);
            max = Math.max(max, series.max);
            if (last == null
                    || series.lastTs > last.lastTs
                    || (series.lastTs == last.lastTs && series.last > last.last)) {
                last = series;
            }
            if (series.counter) {
                increase = (increase == null ? 0 : increase) + series.increase;
            }
        }
        if (count == 0) {
            return null;
        }
        return switch (rule.aggregation()) {
            case AVG -> sum / count;
            case SUM -> sum;
            case MIN -> min;
            case MAX -> max;
            case COUNT -> (double) count;
            case LAST -> last.last;
            case INCREASE -> increase;
            case RATE -> increase == null ? null : increase / (rule.rangeMillis() / 1000.0);
            case QUANTILE, ABSENT -> throw new IllegalStateException("computed above");
        };
    }

    /** The q-quantile of every sample in the range, from the minutes' sketches merged; null without samples or with a minute without one. */
    private static Double quantile(double q, List<RuleSample> inRange) {
        if (inRange.isEmpty()) {
            return null;
        }
        DDSketch merged = ValueSketches.empty();
        for (RuleSample s : inRange) {
            if (s.rollup.sketch == null) {
                return null;
            }
            merged.mergeWith(ValueSketches.decode(s.rollup.sketch));
        }
        return merged.isEmpty() ? null : merged.getValueAtQuantile(q);
    }

    private static boolean isAbsent(AlertRule rule) {
        return rule.aggregation() == AlertRule.Aggregation.ABSENT;
    }

    /** The labels of an alert's key ({@code 3|{host="a"}}), as name, value, name, value, ... */
    static String[] groupLabelsOf(String key) {
        String labels = key.substring(key.indexOf('|') + 1);
        if (labels.equals("{}")) {
            return new String[0];
        }
        Map<String, String> parsed = SeriesKeys.parse("alert" + labels).labels();
        String[] group = new String[parsed.size() * 2];
        int at = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(parsed).entrySet()) {
            group[at++] = e.getKey();
            group[at++] = e.getValue();
        }
        return group;
    }

    private static long ceilMinutes(long millis) {
        return (millis + MINUTE - 1) / MINUTE * MINUTE;
    }

    private static AlertEvent event(AlertRule rule, String key, String[] groupLabels, AlertStatus status, long now) {
        Map<String, String> labels = new TreeMap<>();
        if (groupLabels != null) {
            for (int i = 0; i < groupLabels.length; i += 2) {
                labels.put(groupLabels[i], groupLabels[i + 1]);
            }
        }
        labels.putAll(rule.labels());
        return AlertEvent.newBuilder()
                .setId(AlertEvents.id(rule.alert(), labels, now, status.state))
                .setAlert(rule.alert())
                .setLabels(new HashMap<>(labels))
                .setState(status.state)
                .setSeverity(rule.labels().get("severity"))
                .setValue(status.lastValue)
                .setThreshold(rule.threshold())
                .setActiveSince(status.activeSince)
                .setTs(now)
                .build();
    }

    /**
     * A key's bookkeeping, one state read a sample: the interval of minute closes that all have an
     * evaluation timer (a sample whose evaluations fall inside registers none), and how many entries its
     * minutes map holds at most (exact but for a sample that replaced another, counted twice until the
     * next evaluation counts them): an evaluation reads the map only when it may hold any.
     */
    public static final class AlertBook {
        public boolean hasTimers;
        public long timersFrom;
        public long timersThrough;
        public int entries;

        public AlertBook() {}
    }
}
