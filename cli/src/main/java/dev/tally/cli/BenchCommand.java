package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.TopicReader;
import dev.tally.loadgen.adclick.AdClickDemo;
import dev.tally.loadgen.adclick.AdClickLoadgenCommand;
import dev.tally.loadgen.kit.Endpoints;
import dev.tally.loadgen.leaderboard.LeaderboardLoadgenCommand;
import dev.tally.loadgen.metrics.MetricsLoadgenCommand;
import dev.tally.stack.CassandraService;
import dev.tally.stack.FlinkCluster;
import dev.tally.stack.LocalStack;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.TallyHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally bench}: side-by-side end-to-end benchmarks on the local stack. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "End-to-end benchmarks on the local stack.",
        subcommands = {BenchCommand.AdClicks.class, BenchCommand.Metrics.class, BenchCommand.Leaderboard.class, DashboardBench.class})
final class BenchCommand {

    static final String RAW_CONSUME = "raw Kafka consume (1 consumer, read_committed)";

    @Command(
            name = "ad-clicks",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Preload --events generated clicks into a fresh topic, then on the same data and cluster measure:",
                "the raw Kafka consume rate (the ceiling); the ad-click job as deployed (RocksDB, exactly-once",
                "Kafka, Cassandra, archive, windows 1,5,60); the job with only the 1-minute top N (the SQL",
                "version's query), with all sinks and with results discarded; the same aggregation in Flink SQL,",
                "with the same sinks and with results discarded. Then the window-result latency at a fixed",
                "input rate, of the job as deployed and with results discarded. Prints a table and writes it into",
                "BENCHMARKS.md."
            })
    static final class AdClicks implements Callable<Integer> {
        private static final String JOB_ALL_SINKS = "job, 1-minute top N only (the SQL query), all sinks";
        private static final String JOB_DISCARDED = "job, the SQL query, results discarded";
        private static final String SQL_ALL_SINKS = "Flink SQL, the same query, all sinks";
        private static final String SQL_DISCARDED = "Flink SQL, the same query, results discarded";
        private static final List<String> RESULT_TOPICS = List.of("--counts-topic", "--top-topic");

        @Option(names = "--events", required = true, description = "Records to preload.")
        long events;

        @Option(names = "--event-rate", description = "Clicks per second of event time in the data (default: ${DEFAULT-VALUE}, the books' peak).")
        long eventRate = 50_000;

        @Option(names = "--latency-rate", description = "Input records per second of the latency run (default: ${DEFAULT-VALUE}).")
        long latencyRate = 50_000;

        @Option(names = "--latency-seconds", description = "Length of the latency run; 0 skips it (default: ${DEFAULT-VALUE}).")
        long latencySeconds = 150;

        @Option(names = "--latency-only", description = "Run only the latency part (no preload, no throughput runs).")
        boolean latencyOnly;

        @Mixin
        RunOptions run;

        @Override
        public Integer call() throws Exception {
            return Session.run(run.keepData, this::measure);
        }

        private int measure(Session session) throws Exception {
            Path filters = Files.writeString(session.dir.resolve("filters.yaml"), AdClickDemo.FILTERS);
            String input = session.createInput("bench-clicks-" + session.run);

            if (latencyOnly) {
                String table = render(List.of(), latencyRuns(session, filters), Double.NaN);
                session.publish(run.report, "bench ad-clicks latency", table);
                return 0;
            }
            double produceRate = session.preload(input, events,
                    AdClickLoadgenCommand.of(session.endpoints(), input, events).eventRate(eventRate).withoutLateClicks());

            List<Result> results = new ArrayList<>();
            results.add(session.rawConsume(input));
            results.add(runJob(session, "ad-clicks", "job as deployed (windows 1,5,60)", input, filters, "1,5,60", false));
            results.add(runJob(session, "ad-clicks", JOB_ALL_SINKS, input, filters, "1", false));
            results.add(runJob(session, "ad-clicks", JOB_DISCARDED, input, filters, "1", true));
            if (!run.skipSql) {
                results.add(runJob(session, "ad-clicks-sql", SQL_ALL_SINKS, input, filters, "1", false));
                results.add(runJob(session, "ad-clicks-sql", SQL_DISCARDED, input, filters, "1", true));
            }
            List<Latency> latencies = latencySeconds > 0 ? latencyRuns(session, filters) : List.of();

            String table = render(results, latencies, produceRate);
            session.publish(run.report, "bench ad-clicks", table);
            return 0;
        }

        private Result runJob(Session session, String job, String label, String input, Path filters, String windows, boolean discard)
                throws Exception {
            return session.runJob(
                    job, "w" + windows.replace(",", "-"), label, input, events, RESULT_TOPICS,
                    List.of("--filters", filters.toString(), "--windows", windows), discard);
        }

        /**
         * The latency of the job as deployed, then with results discarded: the difference is what
         * writing each minute's results costs, as they all go out when the minute closes.
         */
        private List<Latency> latencyRuns(Session session, Path filters) throws Exception {
            return List.of(
                    latencyRun(session, filters, "job as deployed", false),
                    latencyRun(session, filters, "job with results discarded", true));
        }

        /** Window-result latency with the input produced at a fixed rate, event time = wall time. */
        private Latency latencyRun(Session session, Path filters, String label, boolean discard) throws Exception {
            LocalStack stack = session.stack;
            String name = "bench-latency-" + (discard ? "discard-" : "") + session.run;
            step("Latency at " + String.format("%,d", latencyRate) + " records/s for " + latencySeconds + " s, " + label + ": " + name);
            String input = session.createInput("bench-latency-clicks-" + (discard ? "discard-" : "") + session.run);
            String keyspace = "b_" + session.run + "_latency" + (discard ? "_d" : "");
            stack.cassandra().applySchema(keyspace);
            List<String> args = session.jobArguments(name, keyspace, input, RESULT_TOPICS);
            args.addAll(List.of("--filters", filters.toString()));
            if (discard) {
                args.add("--discard-results");
            }
            session.submit("ad-clicks", name, args);
            String jobId = DemoCommand.awaitRunning(stack.flink(), name);
            AdClickLoadgenCommand.of(session.endpoints(), input, latencyRate * latencySeconds)
                    .live(latencyRate)
                    .withoutLateClicks()
                    .call();
            long produced = latencyRate * latencySeconds;
            long read = readRecords(stack.flink(), jobId, "deduplicate-clicks");
            Latency latency = new Latency(
                    label,
                    histogram(stack.flink(), jobId, "to-ad-click-count", "windowEmitLatencyMillis"),
                    histogram(stack.flink(), jobId, "merge-top-n", "topNEmitLatencyMillis"),
                    produced,
                    read,
                    readRecords(stack.flink(), jobId, "to-ad-click-count"));
            stack.flink().cancel(jobId);
            session.dropKeyspace(keyspace);
            return latency;
        }

        /**
         * Records an operator's vertex has read so far, from the job details: for dedup, the input
         * records the job has decoded; for to-ad-click-count, the 1-minute counts emitted. (The
         * subtask metric query answered 0 while the REST metric fetcher had not caught up.)
         */
        private static long readRecords(FlinkCluster flink, String jobId, String operator) {
            String vertex = vertexId(flink, jobId, operator);
            Instant deadline = Instant.now().plusSeconds(30);
            while (true) {
                for (JsonNode v : flink.rest("/jobs/" + jobId).path("vertices")) {
                    long read = v.path("metrics").path("read-records").asLong();
                    if (v.path("id").asText().equals(vertex) && (read > 0 || Instant.now().isAfter(deadline))) {
                        return read;
                    }
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
        }

        /**
         * One aggregated metric. The REST API fetches metrics from the TaskManagers only when asked
         * (at most every 10 s), so the first answers can be empty: ask again for up to 30 s.
         */
        private static double metric(FlinkCluster flink, String path, String aggregate) {
            Instant deadline = Instant.now().plusSeconds(30);
            while (true) {
                JsonNode value = flink.rest(path).path(0).path(aggregate);
                if (value.isNumber() || Instant.now().isAfter(deadline)) {
                    return value.asDouble(Double.NaN);
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Double.NaN;
                }
            }
        }

        private static String vertexId(FlinkCluster flink, String jobId, String operator) {
            for (JsonNode v : flink.rest("/jobs/" + jobId).path("vertices")) {
                if (v.path("name").asText().contains(operator)) {
                    return v.path("id").asText();
                }
            }
            throw new IllegalStateException("Job " + jobId + " has no operator " + operator);
        }

        /** An operator's latency histogram: each statistic, the highest of the subtasks'. */
        private static Stats histogram(FlinkCluster flink, String jobId, String operator, String metric) {
            String base = "/jobs/" + jobId + "/vertices/" + vertexId(flink, jobId, operator) + "/subtasks/metrics";
            Map<String, Double> values = new LinkedHashMap<>();
            for (String stat : List.of("median", "p99", "max")) {
                values.put(stat, metric(flink, base + "?get=" + operator + "." + metric + "_" + stat + "&agg=max", "max"));
            }
            return new Stats(values.get("median"), values.get("p99"), values.get("max"));
        }

        private String render(List<Result> results, List<Latency> latencies, double produceRate) {
            StringBuilder out = new StringBuilder();
            out.append("Command: `./tally bench ad-clicks --events ").append(events)
                    .append(latencyOnly ? " --latency-only" : " --event-rate " + eventRate)
                    .append(latencySeconds > 0 ? " --latency-rate " + latencyRate + " --latency-seconds " + latencySeconds : " --latency-seconds 0")
                    .append(run.skipSql ? " --skip-sql" : "").append("`  \n");
            out.append(runLine());
            if (!results.isEmpty()) {
                out.append(String.format(Locale.ROOT,
                        "Data: %,d records (1%% duplicates, 0.1%% malformed), %,d clicks/s of event time, 2,000,000 ads (Zipf 1.1), 4 filters; preloaded at %,.0f records/s.%n%n",
                        events, eventRate, produceRate));
                out.append(throughputTable(results));
                out.append(sqlRatios(results, JOB_ALL_SINKS, SQL_ALL_SINKS, JOB_DISCARDED, SQL_DISCARDED));
            }
            for (Latency latency : latencies) {
                out.append(String.format(Locale.ROOT,
                        "%nWindow-result latency, %s, input at %,d records/s for %d s with event time = wall time:"
                                + " when the input stopped the job had decoded %,d of the %,d records (%.0f%%; 0.1%% are malformed)"
                                + " and emitted %,d 1-minute counts, each minute's when it closes.",
                        latency.label, latencyRate, latencySeconds, latency.read, latency.produced, 100.0 * latency.read / latency.produced,
                        latency.emitted));
                out.append(Double.isNaN(latency.counts.p99)
                        ? " No 1-minute count had been emitted: the job did not keep up with this rate, so its latency grows without bound.\n"
                        : String.format(Locale.ROOT,
                                " Wall clock at emission minus the window end, the highest of the subtasks' figures: of a 1-minute count"
                                        + " (over their last 10,000) %s; of a top-N list (their last 1,000) %s. The watermark delay is 15 s.%n",
                                latency.counts.describe(), latency.topN.describe()));
            }
            return out.toString();
        }
    }

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
                "Prints a table and writes it into BENCHMARKS.md."
            })
    static final class Metrics implements Callable<Integer> {
        private static final String JOB_ALL_SINKS = "job as deployed (1-minute and 1-hour rollups), all sinks";
        private static final String JOB_ALERTS = "job as deployed with 4 alert rules, all sinks";
        private static final List<String> ALERT_TOPICS = List.of("--rollups-topic", "--alerts-topic");
        /** Rules over metrics every host reports, so every minute of those series is evaluated: 3 per host, 1 per pool. */
        private static final String FLEET_RULES = """
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
                description = "Hosts per pool; 3 pools x 12 metrics per host, plus 2 cluster series, sampled every 10 s (default: ${DEFAULT-VALUE}).")
        int hosts = 100;

        @Mixin
        RunOptions run;

        @Override
        public Integer call() throws Exception {
            return Session.run(run.keepData, this::measure);
        }

        private int measure(Session session) throws Exception {
            String input = session.createInput("bench-metric-points-" + session.run);
            // No delayed or late points: SQL drops what is behind its watermark where the job applies
            // it within the lateness, so on such points the two would not compute the same minutes.
            double produceRate = session.preload(input, events,
                    MetricsLoadgenCommand.of(session.endpoints(), input, events)
                            .fleet(POOLS, hosts, METRICS_PER_HOST, Duration.ofSeconds(INTERVAL_SECONDS))
                            .onTimeWith(DUPLICATES, CONFLICTS));

            List<Result> results = new ArrayList<>();
            results.add(session.rawConsume(input));
            results.add(session.runJob("metrics", "", JOB_ALL_SINKS, input, events, RESULT_TOPICS, List.of(), false));
            results.add(session.runJob("metrics", "", JOB_DISCARDED, input, events, RESULT_TOPICS, List.of(), true));
            Path rules = Files.createTempFile("tally-bench-alert-rules", ".yaml");
            try {
                Files.writeString(rules, FLEET_RULES);
                results.add(session.runJob("metrics", "alerts", JOB_ALERTS, input, events, ALERT_TOPICS,
                        List.of("--alert-rules", rules.toString()), false));
            } finally {
                Files.deleteIfExists(rules);
            }
            if (!run.skipSql) {
                results.add(session.runJob("metrics-sql", "", SQL_ALL_SINKS, input, events, RESULT_TOPICS, List.of(), false));
                results.add(session.runJob("metrics-sql", "", SQL_DISCARDED, input, events, RESULT_TOPICS, List.of(), true));
            }

            String table = render(results, produceRate);
            session.publish(run.report, "bench metrics", table);
            return 0;
        }

        /** The {@code tally} command line that preloads the run's points into {@code input}. */
        private String render(List<Result> results, double produceRate) {
            int series = POOLS * hosts * METRICS_PER_HOST + CLUSTER_SERIES;
            StringBuilder out = new StringBuilder();
            out.append("Command: `./tally bench metrics --events ").append(events).append(" --hosts ").append(hosts)
                    .append(run.skipSql ? " --skip-sql" : "").append("`  \n");
            out.append(runLine());
            out.append(String.format(Locale.ROOT,
                    "Data: %,d records: %,d series (%d pools x %d hosts x %d metrics, gauges and counters, + %d without labels), a sample"
                            + " every %d s (about %,d minutes of event time), %.1f%% duplicates, %.1f%% conflicting values, no delayed or late"
                            + " points; counter restarts, silent hosts, undecodable and invalid records at the generator's rates;"
                            + " preloaded at %,.0f records/s.%n%n",
                    events, series, POOLS, hosts, METRICS_PER_HOST, CLUSTER_SERIES, INTERVAL_SECONDS,
                    events / series * INTERVAL_SECONDS / 60, 100 * DUPLICATES, 100 * CONFLICTS, produceRate));
            out.append(throughputTable(results));
            out.append(sqlRatios(results, JOB_ALL_SINKS, SQL_ALL_SINKS, JOB_DISCARDED, SQL_DISCARDED));
            return out.toString();
        }
    }

    @Command(
            name = "leaderboard",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Preload --events generated match results into a fresh topic, then on the same data and cluster measure:",
                "the raw Kafka consume rate (the ceiling); the leaderboard job as deployed (RocksDB, player scores,",
                "histogram and top K, exactly-once Kafka, Cassandra, archive) and with its results discarded; the",
                "scores and top K in Flink SQL (ROW_NUMBER deduplication, SUM, regular Top-N; no histogram or horizon,",
                "so it does less), with the same sinks and with results discarded; the books' design, Redis sorted sets",
                "(redis-server started on loopback, ZINCRBY per result, then ZREVRANGE and ZREVRANK latencies). Prints a",
                "table and writes it into BENCHMARKS.md."
            })
    static final class Leaderboard implements Callable<Integer> {
        private static final String JOB_ALL_SINKS = "job as deployed (scores, histogram, top 10), all sinks";
        private static final String JOB_DISCARDED = "job, results discarded";
        private static final String SQL_ALL_SINKS = "Flink SQL, scores and top 10 (no histogram), the same sinks";
        private static final String SQL_DISCARDED = "Flink SQL, results discarded";
        private static final String REDIS = "Redis sorted sets (ZINCRBY per result, pipelined by 1,000; AOF everysec)";
        private static final int REDIS_QUERIES = 20_000;
        private static final List<String> RESULT_TOPICS = List.of("--updates-topic", "--top-topic");
        private static final int GAMES = 2;
        // Event time advancing about as fast as the records are read at the target rate (25,000 results/s
        // of two-player matches), so a watermark step coalesces what it would live.
        private static final int MATCHES_PER_SECOND = 12_500;

        @Option(names = "--events", required = true, description = "Records to preload.")
        long events;

        @Option(names = "--players", description = "Distinct players, Zipf-active (default: ${DEFAULT-VALUE}).")
        int players = 1_000_000;

        @Option(names = "--skip-redis", description = "Do not run the Redis sorted-set version (it needs Debian's redis-server).")
        boolean skipRedis;

        @Mixin
        RunOptions run;

        @Override
        public Integer call() throws Exception {
            return Session.run(run.keepData, this::measure);
        }

        private int measure(Session session) throws Exception {
            String input = session.createInput("bench-match-results-" + session.run);
            double produceRate = session.preload(input, events,
                    LeaderboardLoadgenCommand.of(session.endpoints(), input, events).population(players, GAMES, MATCHES_PER_SECOND));

            List<Result> results = new ArrayList<>();
            results.add(session.rawConsume(input));
            results.add(session.runJob("leaderboard", "", JOB_ALL_SINKS, input, events, RESULT_TOPICS, List.of(), false));
            results.add(session.runJob("leaderboard", "", JOB_DISCARDED, input, events, RESULT_TOPICS, List.of(), true));
            if (!run.skipSql) {
                results.add(session.runJob("leaderboard-sql", "", SQL_ALL_SINKS, input, events, RESULT_TOPICS, List.of(), false));
                results.add(session.runJob("leaderboard-sql", "", SQL_DISCARDED, input, events, RESULT_TOPICS, List.of(), true));
            }
            RedisLeaderboard.Run redis = null;
            if (!skipRedis) {
                step(REDIS + ": redis-server on loopback");
                try (RedisLeaderboard sortedSets = RedisLeaderboard.start(session.dir.resolve("redis"))) {
                    redis = sortedSets.measure(session.endpoints().kafka(), input, REDIS, REDIS_QUERIES);
                }
                results.add(redis.apply());
            }

            StringBuilder table = new StringBuilder();
            table.append("Command: `./tally bench leaderboard --events ").append(events).append(" --players ").append(players)
                    .append(run.skipSql ? " --skip-sql" : "").append(skipRedis ? " --skip-redis" : "").append("`  \n");
            table.append(runLine());
            table.append(String.format(Locale.ROOT,
                    "Data: %,d records: two-player matches of %,d Zipf-active players (and a bot) in %d games, %,d matches per"
                            + " second of event time; duplicates, corrections, late and stale re-sends and malformed records at the"
                            + " generator's rates; preloaded at %,.0f records/s.%n%n",
                    events, players, GAMES, MATCHES_PER_SECOND, produceRate));
            table.append(throughputTable(results));
            table.append(sqlRatios(results, JOB_ALL_SINKS, SQL_ALL_SINKS, JOB_DISCARDED, SQL_DISCARDED));
            if (redis != null) {
                table.append(String.format(Locale.ROOT,
                        "%nThe job against Redis sorted sets on the same input (records/s ratio): %.2fx as deployed, %.2fx with results"
                                + " discarded. Redis applied the results of %d tournaments, with no dedup, corrections or event time;"
                                + " queries after it, %,d of each:%n%n",
                        results.get(1).rate() / redis.apply().rate(), results.get(2).rate() / redis.apply().rate(),
                        redis.tournaments(), REDIS_QUERIES));
                table.append(RedisLeaderboard.latencyLines(redis));
            }
            session.publish(run.report, "bench leaderboard", table.toString());
            return 0;
        }
    }

    /** The options every side-by-side subcommand takes. */
    static final class RunOptions {
        @Option(names = "--skip-sql", description = "Do not run the Flink SQL version.")
        boolean skipSql;

        @Option(names = "--report", description = "Markdown file to write the results into (default: BENCHMARKS.md at the repository root).")
        Path report;

        @Option(
                names = "--keep-data",
                description = "Keep the run's topics and raw archives; by default they are deleted when the run ends, as its keyspaces are.")
        boolean keepData;
    }

    /**
     * One benchmark run on the local stack, what its subcommands share: the stack (started if it is
     * not), the run's id and folder, and every topic it created, deleted at its end unless
     * {@code --keep-data}. Each job run gets its own keyspace, dropped afterwards.
     */
    static final class Session {
        final LocalStack stack;
        final TallyHome home;
        /** The run's id, a UTC time: part of every topic, keyspace and job name of the run. */
        final String run;
        final Path dir;
        private final List<String> topics = new ArrayList<>();

        interface Measurement {
            int measure(Session session) throws Exception;
        }

        private Session(LocalStack stack, TallyHome home, String run, Path dir) {
            this.stack = stack;
            this.home = home;
            this.run = run;
            this.dir = dir;
        }

        static int run(boolean keepData, Measurement measurement) throws Exception {
            TallyHome home = TallyHome.locate();
            LocalStack stack = LocalStack.ofCheckout(home);
            stack.up(ServiceProcess.Lifetime.DETACHED, Topics.all(4), Duration.ofMinutes(3));
            String run = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
            Path dir = Files.createDirectories(home.stackDir().resolve("bench").resolve(run));
            Session session = new Session(stack, home, run, dir);
            try {
                return measurement.measure(session);
            } finally {
                // A run writes gigabytes (input, results, archives); repeated runs must not fill the disk.
                if (!keepData) {
                    stack.kafka().deleteTopics(session.topics);
                    DashboardDataSet.deleteRecursively(dir);
                }
            }
        }

        /** Prints the table and writes it into the report's section. */
        void publish(Path reportOverride, String section, String table) throws IOException {
            System.out.println();
            System.out.println(table);
            writeReport(reportFile(home, reportOverride), section, table);
        }

        private void createTopics(Map<String, Integer> partitionsByTopic) {
            topics.addAll(partitionsByTopic.keySet());
            stack.kafka().createTopics(partitionsByTopic);
        }

        /** An input topic of 4 partitions, with its dead-letter and late topics; returns its name. */
        String createInput(String topic) {
            createTopics(Map.of(topic, 4, Topics.deadLetter(topic), 1, Topics.late(topic), 1));
            return topic;
        }

        /** Runs the job's load generator, set to write {@code records} into {@code input}; returns its records/s. */
        double preload(String input, long records, Callable<Integer> loadgen) throws Exception {
            step("Preloading " + String.format("%,d", records) + " records into " + input);
            long begin = System.nanoTime();
            int exit = loadgen.call();
            if (exit != 0) {
                throw new IllegalStateException("Preloading " + input + " failed (exit " + exit + ")");
            }
            return records / seconds(begin);
        }

        /** The local stack's Kafka and Cassandra, for the tools. */
        Endpoints endpoints() {
            return Endpoints.of(stack.kafka().bootstrapServers(), stack.cassandra().contactPoint());
        }

        Result rawConsume(String input) {
            step("Raw Kafka consume rate of " + input);
            long begin = System.nanoTime();
            long consumed = TopicReader.countCommitted(endpoints().kafka(), input);
            return new Result(RAW_CONSUME, consumed, seconds(begin), null, Map.of());
        }

        /**
         * Runs {@code job} bounded over {@code input} to its end, in a keyspace and with result topics of
         * its own, and measures it.
         *
         * @param variant what tells this run of the job from its others in topic, keyspace and job names ("" if nothing)
         * @param records the input's records, the throughput's numerator
         * @param resultTopicOptions the job's options naming its result topics ({@code --counts-topic}): each
         *     gets a fresh topic of 4 partitions, {@code bench-counts-<run's name>}
         * @param jobOptions the job's own options beyond the shared ones
         */
        Result runJob(
                String job, String variant, String label, String input, long records, List<String> resultTopicOptions, List<String> jobOptions,
                boolean discard) throws Exception {
            String name = "bench-" + job + (variant.isEmpty() ? "" : "-" + variant) + (discard ? "-discard" : "") + "-" + run;
            step(label + ": " + name);
            // Each run its own tables, dropped afterwards: a run must not pay for compacting the
            // rows of the run before it.
            String keyspace = "b_" + run + "_" + job.replace("-", "") + (variant.isEmpty() ? "" : "_" + variant.replace("-", "_"))
                    + (discard ? "_d" : "");
            stack.cassandra().applySchema(keyspace);
            List<String> args = jobArguments(name, keyspace, input, resultTopicOptions);
            args.addAll(jobOptions);
            args.add("--bounded");
            if (discard) {
                args.add("--discard-results");
            }
            Map<String, Double> cpuBefore = cpuSeconds(stack);
            submit(job, name, args);
            FlinkCluster.JobInfo finished = DemoCommand.awaitEnd(stack.flink(), name);
            if (!finished.state().equals("FINISHED")) {
                throw new IllegalStateException(name + " ended " + finished.state() + "; see " + stack.flink().webUrl());
            }
            double seconds = finished.durationMillis() / 1000.0;
            Map<String, Double> cpuShares = new LinkedHashMap<>();
            int cores = Runtime.getRuntime().availableProcessors();
            cpuSeconds(stack).forEach((service, after) ->
                    cpuShares.put(service, (after - cpuBefore.getOrDefault(service, 0.0)) / seconds / cores));
            Result result = new Result(label, records, seconds, checkpoints(stack.flink(), finished.id()), cpuShares);
            dropKeyspace(keyspace);
            return result;
        }

        /**
         * The options every benchmarked job gets: the local stack, {@code keyspace}, {@code input}, a fresh
         * topic for each of {@code resultTopicOptions}, an archive in the run's folder, and {@code name} as
         * its job name, consumer group and transactional ids.
         */
        List<String> jobArguments(String name, String keyspace, String input, List<String> resultTopicOptions) {
            List<String> args = new ArrayList<>(List.of(
                    "--bootstrap-servers", stack.kafka().bootstrapServers(),
                    "--cassandra", stack.cassandra().contactPoint(), "--keyspace", keyspace,
                    "--cassandra-batch-rows", Integer.toString(CassandraService.UNLOGGED_BATCH_PARTITIONS),
                    "--input-topic", input,
                    "--archive-dir", dir.resolve("archive-" + name).toUri().toString(),
                    "--transactional-id-prefix", name, "--group-id", name, "--job-name", name));
            Map<String, Integer> resultTopics = new LinkedHashMap<>();
            for (String option : resultTopicOptions) {
                String topic = "bench-" + option.substring(2).replace("-topic", "") + "-" + name;
                resultTopics.put(topic, 4);
                args.addAll(List.of(option, topic));
            }
            createTopics(resultTopics);
            return args;
        }

        void submit(String job, String name, List<String> args) {
            if (SubmitCommand.submit(stack.flink(), home, job, args, Duration.ofMinutes(2)) != 0) {
                throw new IllegalStateException("Submitting " + name + " failed");
            }
        }

        void dropKeyspace(String keyspace) {
            try (CqlSession session = stack.cassandra().connect(Duration.ofMinutes(1))) {
                session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
            }
        }
    }

    /** Where a benchmark writes its report: {@code override}, else BENCHMARKS.md at the repository root. */
    static Path reportFile(TallyHome home, Path override) {
        return override != null ? override : home.root().resolve("BENCHMARKS.md");
    }

    /** "Run: <now> on <machine>", the line under every report's command. */
    static String runLine() {
        return "Run: " + Instant.now() + " on " + machine() + "  \n";
    }

    /** The throughput runs as a Markdown table, each against the first (the raw consume). */
    static String throughputTable(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append("| run | records | seconds | records/s | vs raw consume | checkpoints (n, p50 ms, max ms, max size) | CPU, share of machine: all (TaskManager, Cassandra, Kafka, JobManager) |\n");
        out.append("|---|---:|---:|---:|---:|---|---:|\n");
        double raw = results.get(0).rate();
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %.3f | %s | %s |%n",
                    r.label, r.records, r.seconds, r.rate(), r.rate() / raw,
                    r.checkpoints == null ? "-" : String.format(Locale.ROOT, "%d, %.0f, %d, %s", r.checkpoints.completed,
                            r.checkpoints.p50Millis, r.checkpoints.maxMillis, bytes(r.checkpoints.maxStateBytes)),
                    cpu(r.cpuShares)));
        }
        return out.toString();
    }

    /** The job's records/s against Flink SQL's, with all sinks and with results discarded; "" without the SQL runs. */
    static String sqlRatios(List<Result> results, String jobAllSinks, String sqlAllSinks, String jobDiscarded, String sqlDiscarded) {
        Map<String, Double> rates = new LinkedHashMap<>();
        results.forEach(r -> rates.put(r.label, r.rate()));
        if (!rates.containsKey(sqlAllSinks)) {
            return "";
        }
        return String.format(Locale.ROOT,
                "%nThe job against Flink SQL on the same input (records/s ratio): %.2fx with all sinks, %.2fx with results discarded.%n",
                rates.get(jobAllSinks) / rates.get(sqlAllSinks), rates.get(jobDiscarded) / rates.get(sqlDiscarded));
    }

    static Checkpoints checkpoints(FlinkCluster flink, String jobId) {
        JsonNode stats = flink.rest("/jobs/" + jobId + "/checkpoints");
        JsonNode summary = stats.path("summary");
        return new Checkpoints(
                stats.path("counts").path("completed").asLong(),
                summary.path("end_to_end_duration").path("p50").asDouble(),
                summary.path("end_to_end_duration").path("max").asLong(),
                summary.path("state_size").path("max").asLong(),
                summary.path("checkpointed_size").path("max").asLong());
    }

    /** CPU seconds used so far by each service process of the stack. */
    static Map<String, Double> cpuSeconds(LocalStack stack) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        List<ServiceProcess> processes = new ArrayList<>(stack.flink().processes());
        processes.add(stack.kafka().process());
        processes.add(stack.cassandra().process());
        for (ServiceProcess process : processes) {
            process.running()
                    .flatMap(p -> p.info().totalCpuDuration())
                    .ifPresent(d -> cpu.put(process.name(), d.toMillis() / 1000.0));
        }
        return cpu;
    }

    /** "90% (52%, 30%, 6%, 2%)": the whole stack, then the services in the table header's order. */
    private static String cpu(Map<String, Double> shares) {
        if (shares.isEmpty()) {
            return "-";
        }
        double all = shares.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder parts = new StringBuilder();
        for (String service : List.of("taskmanager", "cassandra", "kafka", "jobmanager")) {
            parts.append(parts.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%.0f%%", 100 * shares.getOrDefault(service, 0.0)));
        }
        return String.format(Locale.ROOT, "%.0f%% (%s)", 100 * all, parts);
    }

    static String machine() {
        String cpu = "?";
        long memKb = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal")) {
                    memKb = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Facts are best effort; the numbers stand without them.
        }
        return String.format(Locale.ROOT, "%d cores (%s), %.0f GiB RAM, Java %s; Kafka, Cassandra and Flink on the same machine",
                Runtime.getRuntime().availableProcessors(), cpu, memKb / 1024.0 / 1024.0, System.getProperty("java.version"));
    }

    private static String bytes(long n) {
        return n >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0) : String.format(Locale.ROOT, "%.0f KiB", n / 1024.0);
    }

    /**
     * Replaces the section between the markers {@code <!-- section: start -->} and {@code <!-- section: end -->}
     * (or appends it), leaving the rest of the file alone.
     */
    static void writeReport(Path file, String section, String table) throws IOException {
        String start = "<!-- " + section + ": start -->";
        String end = "<!-- " + section + ": end -->";
        String block = start + "\n" + table + end;
        String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n";
        int i = text.indexOf(start);
        int j = text.indexOf(end);
        text = i >= 0 && j > i ? text.substring(0, i) + block + text.substring(j + end.length()) : text + "\n" + block + "\n";
        Files.writeString(file, text);
        System.out.println("Results written to " + file);
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void step(String text) {
        System.out.println();
        System.out.println("== " + text);
    }

    /** @param cpuShares per service process, CPU time over the run divided by run time and cores */
    record Result(String label, long records, double seconds, Checkpoints checkpoints, Map<String, Double> cpuShares) {
        double rate() {
            return records / seconds;
        }
    }

    record Checkpoints(long completed, double p50Millis, long maxMillis, long maxStateBytes, long maxCheckpointedBytes) {}

    /**
     * @param counts wall clock at emission of a 1-minute count minus its window end
     * @param topN the same for a top-N list
     * @param emitted 1-minute counts (filter and country rows) emitted in the run
     */
    record Latency(String label, Stats counts, Stats topN, long produced, long read, long emitted) {}

    /** Milliseconds; NaN when nothing was emitted. */
    record Stats(double p50, double p99, double max) {
        String describe() {
            return Double.isNaN(p99)
                    ? "none emitted"
                    : String.format(Locale.ROOT, "median %.0f ms, p99 %.0f ms, max %.0f ms", p50, p99, max);
        }
    }

    private BenchCommand() {}
}
