package dev.tally.benchmarks.metrics;

import dev.tally.benchmarks.KeyedHarnessState;
import dev.tally.jobs.metrics.alerts.AlertRule;
import dev.tally.jobs.metrics.alerts.AlertRules;
import dev.tally.jobs.metrics.alerts.EvaluateAlerts;
import dev.tally.jobs.metrics.alerts.MatchAlertRules;
import dev.tally.jobs.metrics.alerts.RuleSample;
import dev.tally.jobs.metrics.functions.Rollup;
import dev.tally.jobs.metrics.functions.SeriesKeys;
import dev.tally.schema.metrics.AlertEvent;
import dev.tally.schema.metrics.MetricKind;
import dev.tally.schema.metrics.MetricRollup;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One minute of event time through {@link EvaluateAlerts} in an operator harness, as one subtask of the
 * metrics job sees it with a rule by host over a large fleet: every alert's minute rollup (one series an
 * alert), then the watermark past the minute's end, which evaluates every alert over its 5-minute range.
 * The time of an operation divided by {@code alerts} is the cost of one alert-minute: a sample stored
 * and an evaluation. The state is at its steady size (five minutes of samples) before the measurement.
 * {@code evaluateAJump} is a watermark jump over alerts with two minutes of samples each: seven
 * evaluations an alert, after which all their minutes are gone.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 8)
@Measurement(iterations = 10)
public class EvaluateAlertsBenchmark {

    private static final long MINUTE = 60_000L;
    private static final long START = Instant.parse("2026-12-07T00:00:00Z").toEpochMilli();
    private static final String RULES = """
            groups:
              - name: fleet
                rules:
                  - alert: HostOverloaded
                    expr: 'avg(cpu_load[5m]) by (host) > 1000'
                    for: 2m
            """;

    /** The job's alert stage over one subtask's alerts, fed a minute at a time. */
    @State(Scope.Thread)
    public static class Alerts {

        @Param({"rocksdb", "rocksdb-heap-timers", "hashmap"})
        public String stateBackend;

        /** One subtask's share of the fleet: 50,000 alerts of a rule by host over 2 subtasks. */
        @Param({"25000"})
        public int alerts;

        private File tmpDir;
        private MockEnvironment environment;
        private KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertEvent> harness;
        private List<RuleSample> template;
        private long minute = START;

        @Setup(Level.Trial)
        public void open() throws Exception {
            template = samples(alerts);
            tmpDir = Files.createTempDirectory("tally-alerts-benchmark").toFile();
            environment = KeyedHarnessState.environment("evaluate-alerts", tmpDir);
            harness = openHarness(environment, stateBackend, tmpDir);
            for (int i = 0; i < 6; i++) {
                nextMinute();
            }
        }

        void nextMinute() throws Exception {
            send(harness, template, minute);
            minute += MINUTE;
            harness.processWatermark(new Watermark(minute - 1));
            harness.getOutput().clear();
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            KeyedHarnessState.close(harness, environment, tmpDir);
        }
    }

    /**
     * The same alerts with two minutes of samples each, before a watermark jump of ten minutes (as a
     * job catching up after downtime, or the end of a bounded input, sees): every alert is evaluated at
     * every minute end its samples reach, and goes quiet.
     */
    @State(Scope.Thread)
    public static class AlertsBeforeAJump {

        @Param({"rocksdb"})
        public String stateBackend;

        @Param({"25000"})
        public int alerts;

        private File tmpDir;
        private MockEnvironment environment;
        private KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertEvent> harness;

        @Setup(Level.Iteration)
        public void open() throws Exception {
            List<RuleSample> template = samples(alerts);
            tmpDir = Files.createTempDirectory("tally-alerts-benchmark").toFile();
            environment = KeyedHarnessState.environment("evaluate-alerts", tmpDir);
            harness = openHarness(environment, stateBackend, tmpDir);
            send(harness, template, START);
            send(harness, template, START + MINUTE);
        }

        void jump() throws Exception {
            harness.processWatermark(new Watermark(START + 12 * MINUTE - 1));
            harness.getOutput().clear();
        }

        @TearDown(Level.Iteration)
        public void close() throws Exception {
            KeyedHarnessState.close(harness, environment, tmpDir);
        }
    }

    /** The job's alert stage for {@link #RULES}, open. */
    private static KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertEvent> openHarness(
            MockEnvironment environment, String stateBackend, File tmpDir) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EvaluateAlerts(AlertRules.parse(RULES), Duration.ofMinutes(5))),
                (RuleSample sample) -> sample.key,
                Types.STRING,
                environment);
        harness.setStateBackend(KeyedHarnessState.backend(stateBackend, tmpDir));
        harness.open();
        return harness;
    }

    /** Every alert's sample of {@code minute}, copies of the template's. */
    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, RuleSample, AlertEvent> harness,
            List<RuleSample> template,
            long minute)
            throws Exception {
        for (RuleSample t : template) {
            RuleSample s = new RuleSample();
            s.key = t.key;
            s.rule = t.rule;
            s.groupLabels = t.groupLabels;
            s.series = t.series;
            s.minute = minute;
            s.rollup = t.rollup;
            harness.processElement(new StreamRecord<>(s, minute));
        }
    }

    /** Each host's minute of {@code cpu_load}, as {@link MatchAlertRules} makes it from the minute rollup. */
    private static List<RuleSample> samples(int hosts) throws Exception {
        List<AlertRule> rules = AlertRules.parse(RULES);
        List<RuleSample> samples = new ArrayList<>(hosts);
        Collector<RuleSample> collect = new Collector<>() {
            @Override
            public void collect(RuleSample s) {
                samples.add(s);
            }

            @Override
            public void close() {}
        };
        MatchAlertRules match = new MatchAlertRules(rules);
        Rollup rollup = new Rollup();
        rollup.count = 6;
        rollup.sum = 6;
        rollup.min = 0.5;
        rollup.max = 1.5;
        rollup.first = 1;
        rollup.last = 1;
        for (int h = 0; h < hosts; h++) {
            String host = String.format("host-%05d", h);
            MetricRollup row = rollup.toAvro(
                    "cpu_load{host=\"" + host + "\"}",
                    new SeriesKeys.Series("cpu_load", Map.of("host", host)),
                    "1m",
                    START);
            row.setKind(MetricKind.GAUGE);
            match.flatMap(row, collect);
        }
        return samples;
    }

    @Benchmark
    public void evaluateAMinute(Alerts s) throws Exception {
        s.nextMinute();
    }

    @Benchmark
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public void evaluateAJump(AlertsBeforeAJump s) throws Exception {
        s.jump();
    }
}
