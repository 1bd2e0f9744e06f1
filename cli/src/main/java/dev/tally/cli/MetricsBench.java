package dev.tally.cli;

import dev.tally.loadgen.metrics.MetricsLoadgenCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Preload --events generated metric points into a fresh topic, then on the same data and cluster measure:",
            "the raw Kafka consume rate (the ceiling); the metrics job as deployed (RocksDB, 1-minute and 1-hour",
            "rollups, exactly-once Kafka, Cassandra, archive) and with its results discarded; the 1-minute rollups",
            "in Flink SQL (TUMBLE per series: count, sum, min, max, first and last value; no dedup, conflict rule,",
            "counter increase, lateness or hours, so it does less), with the same sinks and with results discarded;",
            "and the job as deployed with four alert rules over the fleet's own metrics (one alert per host or pool).",
            "Then, for each --latency-rates, the job as deployed with those rules fed live at that rate (a fleet of",
            "rate x 10 series sampled every 10 s, event time = wall time) while probe series' minute rollups and a",
            "probe rule's FIRING events are timed from the minute's end until Cassandra and the committed alerts topic",
            "show them. Prints a table and writes it into BENCHMARKS.md."
        })
final class MetricsBench implements Callable<Integer> {
    private static final String JOB_ALL_SINKS = "job as deployed (1-minute and 1-hour rollups), all sinks";
    private static final String JOB_ALERTS = "job as deployed with 4 alert rules, all sinks";
    private static final List<String> ALERT_TOPICS = List.of("--rollups-topic", "--alerts-topic");
    /** Rules over metrics every host reports, so every minute of those series is evaluated: 3 per host, 1 per pool. */
    static final String FLEET_RULES = """
            groups:
              - name: bench-fleet
                rules:
                  - alert: HighLoad
                    expr: 'avg(cpu.load[5m]) by (host) > 12'
                    for: 2m
                  - alert: RequestRate
                    expr: 'rate(http_requests_total[5m]) by (host) > 3.5'
                    for: 1m
                    keep_firing_for: 2m
                  - alert: OpenFiles
                    expr: 'last(process_open_fds[1m]) by (host) >= 4000'
                  - alert: PoolMemory
                    expr: 'max(mem_used_bytes[1m]) by (pool) > 65000'
            """;

    private static final String JOB_DISCARDED = "job, results discarded";
    private static final String SQL_ALL_SINKS = "Flink SQL, 1-minute rollups only, the same sinks";
    private static final String SQL_DISCARDED = "Flink SQL, 1-minute rollups only, results discarded";
    private static final List<String> RESULT_TOPICS = List.of("--rollups-topic");
    // The fleet's shape and the faults both versions see, passed to the generator explicitly so
    // that the report's data line stays true whatever the generator's defaults become.
    private static final int POOLS = 3;
    private static final int METRICS_PER_HOST = 12;
    private static final int CLUSTER_SERIES = 2;
    private static final int INTERVAL_SECONDS = 10;
    private static final double DUPLICATES = 0.01;
    private static final double CONFLICTS = 0.005;

    @Option(names = "--events", required = true, description = "Records to preload.")
    long events;

    @Option(
            names = "--hosts",
            description =
                    "Hosts per pool; 3 pools x 12 metrics per host, plus 2 cluster series, sampled every 10 s (default: ${DEFAULT-VALUE}).")
    int hosts = 100;

    @Option(
            names = "--skip-alerts",
            description = "Do not run the job with alert rules (at 200,000 series their evaluation takes far longer"
                    + " than the rollups: BENCHMARKS.md).")
    boolean skipAlerts;

    @Mixin
    LatencyRunOptions latency = new LatencyRunOptions(List.of(20_000L, 50_000L), 300);

    @Mixin
    BenchRunOptions run;

    @Override
    public Integer call() throws Exception {
        return BenchSession.run(run.keepData, this::measure);
    }

    private int measure(BenchSession session) throws Exception {
        if (latency.only) {
            session.publish(run.report, "bench metrics latency", latencyTable(session));
            return 0;
        }
        String input = session.createInput("bench-metric-points-" + session.run);
        // No delayed or late points: SQL drops what is behind its watermark where the job applies
        // it within the lateness, so on such points the two would not compute the same minutes.
        double produceRate = session.preload(
                input,
                events,
                MetricsLoadgenCommand.of(session.endpoints(), input, events)
                        .fleet(POOLS, hosts, METRICS_PER_HOST, Duration.ofSeconds(INTERVAL_SECONDS))
                        .onTimeWith(DUPLICATES, CONFLICTS));

        List<BenchCommand.Result> results = new ArrayList<>();
        results.add(session.rawConsume(input));
        results.add(session.runJob("metrics", "", JOB_ALL_SINKS, input, events, RESULT_TOPICS, List.of(), false));
        results.add(session.runJob("metrics", "", JOB_DISCARDED, input, events, RESULT_TOPICS, List.of(), true));
        if (!skipAlerts) {
            Path rules = Files.createTempFile("tally-bench-alert-rules", ".yaml");
            try {
                Files.writeString(rules, FLEET_RULES);
                results.add(session.runJob(
                        "metrics",
                        "alerts",
                        JOB_ALERTS,
                        input,
                        events,
                        ALERT_TOPICS,
                        List.of("--alert-rules", rules.toString()),
                        false));
            } finally {
                Files.deleteIfExists(rules);
            }
        }
        if (!run.skipSql) {
            results.add(
                    session.runJob("metrics-sql", "", SQL_ALL_SINKS, input, events, RESULT_TOPICS, List.of(), false));
            results.add(
                    session.runJob("metrics-sql", "", SQL_DISCARDED, input, events, RESULT_TOPICS, List.of(), true));
        }

        String table = render(results, produceRate);
        if (latency.seconds > 0) {
            table += "\n" + latencyTable(session);
        }
        session.publish(run.report, "bench metrics", table);
        return 0;
    }

    private String latencyTable(BenchSession session) throws Exception {
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "Latency (`%s`): the job as deployed with the four fleet rules, fed"
                        + " live (event time = wall time) for %d s and more by a fleet of rate x %d series (%d pools x %d metrics"
                        + " a host) sampled every %d s, with the generator's default faults (delayed and late points included);"
                        + " meanwhile %d probe series send a sample a second, high in every other minute, and a probe rule"
                        + " fires at the end of each high minute. Their Cassandra rows are read and the committed alerts topic"
                        + " polled over and over, %d ms apart; checkpoints every %s; watermark delay 15 s, so a minute's results cannot show"
                        + " before 15 s after its end (the issue's target: within 20 s at p99, at 50,000 points/s).  %n%s%n",
                latency.quoted(),
                latency.seconds,
                INTERVAL_SECONDS,
                POOLS,
                METRICS_PER_HOST,
                INTERVAL_SECONDS,
                MetricsLatencyProbe.PROBES,
                MetricsLatencyProbe.POLL_MILLIS,
                latency.checkpoints(),
                BenchCommand.runLine()));
        table.append(
                "| input points/s | series | whole minutes probed | minute rollup in Cassandra, after the minute's end |"
                        + " FIRING in Cassandra (`alert_history`) | FIRING in the alerts topic (read_committed) |"
                        + " CPU over the probing, share of machine: all (TaskManager, Cassandra, Kafka, JobManager) |\n"
                        + "|---:|---:|---:|---|---|---|---:|\n");
        for (long rate : latency.rates) {
            int hosts = (int) Math.round((double) rate * INTERVAL_SECONDS / (POOLS * METRICS_PER_HOST));
            BenchSession.Live<MetricsLatencyProbe.Result> live = latencyRun(session, rate, hosts);
            MetricsLatencyProbe.Result result = live.result();
            table.append(String.format(
                    Locale.ROOT,
                    "| %,d | %,d | %d | %s | %s | %s | %s |%n",
                    rate,
                    POOLS * hosts * METRICS_PER_HOST + CLUSTER_SERIES,
                    result.minutes(),
                    result.rollups().describe(),
                    result.firingInCassandra().describe(),
                    result.firingInKafka().describe(),
                    BenchCommand.cpu(live.cpuShares())));
        }
        return table.toString();
    }

    /** One live run at {@code rate}: the job submitted unbounded, the fleet and the probe, then cancelled. */
    private BenchSession.Live<MetricsLatencyProbe.Result> latencyRun(BenchSession session, long rate, int hosts)
            throws Exception {
        String name = "bench-metrics-latency-" + rate + "-" + session.run;
        BenchCommand.step(
                String.format(Locale.ROOT, "Latency at %,d points/s for %d s: %s", rate, latency.seconds, name));
        String input = session.createInput("bench-latency-metric-points-" + rate + "-" + session.run);
        String keyspace = "b_" + session.run + "_latency_" + rate;
        int series = POOLS * hosts * METRICS_PER_HOST + CLUSTER_SERIES;
        // The load outlasts the probing and its drain: a live feed has no closing points, so its last
        // minutes close only as more of it moves the watermark past them.
        long drainSeconds = 60;
        MetricsLoadgenCommand load = MetricsLoadgenCommand.of(
                        session.endpoints(), input, rate * (latency.seconds + drainSeconds + 30))
                .fleet(POOLS, hosts, METRICS_PER_HOST, Duration.ofSeconds(INTERVAL_SECONDS))
                .live();
        load.maxSeriesPerName = series;
        Path rules = Files.createTempFile("tally-bench-latency-rules", ".yaml");
        try {
            Files.writeString(rules, FLEET_RULES + MetricsLatencyProbe.RULE_GROUP);
            List<String> args = session.jobArguments(name, keyspace, input, ALERT_TOPICS);
            // Every series of the fleet admitted: at 50,000 points/s a metric has over 40,000.
            args.addAll(List.of("--alert-rules", rules.toString(), "--max-series-per-name", Integer.toString(series)));
            String alertsTopic = args.get(args.indexOf("--alerts-topic") + 1);
            BenchSession.Live<MetricsLatencyProbe.Result> live = session.live(
                    "metrics",
                    name,
                    keyspace,
                    latency.flinkOptions(),
                    args,
                    load,
                    cql -> MetricsLatencyProbe.run(
                            session.endpoints().kafka(),
                            cql,
                            input,
                            keyspace,
                            alertsTopic,
                            latency.seconds,
                            drainSeconds));
            System.out.printf(
                    "  rollups %s; FIRING in Cassandra %s, in Kafka %s; CPU %s%n",
                    live.result().rollups().describe(),
                    live.result().firingInCassandra().describe(),
                    live.result().firingInKafka().describe(),
                    BenchCommand.cpu(live.cpuShares()));
            return live;
        } finally {
            Files.deleteIfExists(rules);
        }
    }

    /** The {@code tally} command line that preloads the run's points into {@code input}. */
    private String render(List<BenchCommand.Result> results, double produceRate) {
        int series = POOLS * hosts * METRICS_PER_HOST + CLUSTER_SERIES;
        StringBuilder out = new StringBuilder();
        out.append("Command: `./tally bench metrics --events ")
                .append(events)
                .append(" --hosts ")
                .append(hosts)
                .append(skipAlerts ? " --skip-alerts" : "")
                .append(run.skipSql ? " --skip-sql" : "")
                .append(latency.seconds > 0 ? "" : " --latency-seconds 0")
                .append("`  \n");
        out.append(BenchCommand.runLine());
        out.append(String.format(
                Locale.ROOT,
                "Data: %,d records: %,d series (%d pools x %d hosts x %d metrics, gauges and counters, + %d without labels), a sample"
                        + " every %d s (about %,d minutes of event time), %.1f%% duplicates, %.1f%% conflicting values, no delayed or late"
                        + " points; counter restarts, silent hosts, undecodable and invalid records at the generator's rates;"
                        + " preloaded at %,.0f records/s.%n%n",
                events,
                series,
                POOLS,
                hosts,
                METRICS_PER_HOST,
                CLUSTER_SERIES,
                INTERVAL_SECONDS,
                events / series * INTERVAL_SECONDS / 60,
                100 * DUPLICATES,
                100 * CONFLICTS,
                produceRate));
        out.append(BenchCommand.throughputTable(results));
        out.append(BenchCommand.sqlRatios(results, JOB_ALL_SINKS, SQL_ALL_SINKS, JOB_DISCARDED, SQL_DISCARDED));
        return out.toString();
    }
}
