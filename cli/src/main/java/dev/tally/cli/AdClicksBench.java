package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.loadgen.adclick.AdClickDemo;
import dev.tally.loadgen.adclick.AdClickLoadgenCommand;
import dev.tally.stack.FlinkCluster;
import dev.tally.stack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
final class AdClicksBench implements Callable<Integer> {
    private static final String JOB_ALL_SINKS = "job, 1-minute top N only (the SQL query), all sinks";
    private static final String JOB_DISCARDED = "job, the SQL query, results discarded";
    private static final String SQL_ALL_SINKS = "Flink SQL, the same query, all sinks";
    private static final String SQL_DISCARDED = "Flink SQL, the same query, results discarded";
    private static final List<String> RESULT_TOPICS = List.of("--counts-topic", "--top-topic");

    @Option(names = "--events", required = true, description = "Records to preload.")
    long events;

    @Option(
            names = "--event-rate",
            description = "Clicks per second of event time in the data (default: ${DEFAULT-VALUE}, the books' peak).")
    long eventRate = 50_000;

    @Option(
            names = "--latency-rate",
            description = "Input records per second of the latency run (default: ${DEFAULT-VALUE}).")
    long latencyRate = 50_000;

    @Option(
            names = "--latency-seconds",
            description = "Length of the latency run; 0 skips it (default: ${DEFAULT-VALUE}).")
    long latencySeconds = 150;

    @Option(names = "--latency-only", description = "Run only the latency part (no preload, no throughput runs).")
    boolean latencyOnly;

    @Mixin
    BenchRunOptions run;

    @Override
    public Integer call() throws Exception {
        return BenchSession.run(run.keepData, this::measure);
    }

    private int measure(BenchSession session) throws Exception {
        Path filters = Files.writeString(session.dir.resolve("filters.yaml"), AdClickDemo.FILTERS);
        String input = session.createInput("bench-clicks-" + session.run);

        if (latencyOnly) {
            String table = render(List.of(), latencyRuns(session, filters), Double.NaN);
            session.publish(run.report, "bench ad-clicks latency", table);
            return 0;
        }
        double produceRate = session.preload(
                input,
                events,
                AdClickLoadgenCommand.of(session.endpoints(), input, events)
                        .eventRate(eventRate)
                        .withoutLateClicks());

        List<BenchCommand.Result> results = new ArrayList<>();
        results.add(session.rawConsume(input));
        results.add(runJob(session, "ad-clicks", "job as deployed (windows 1,5,60)", input, filters, "1,5,60", false));
        results.add(runJob(session, "ad-clicks", JOB_ALL_SINKS, input, filters, "1", false));
        results.add(runJob(session, "ad-clicks", JOB_DISCARDED, input, filters, "1", true));
        if (!run.skipSql) {
            results.add(runJob(session, "ad-clicks-sql", SQL_ALL_SINKS, input, filters, "1", false));
            results.add(runJob(session, "ad-clicks-sql", SQL_DISCARDED, input, filters, "1", true));
        }
        List<BenchCommand.Latency> latencies = latencySeconds > 0 ? latencyRuns(session, filters) : List.of();

        String table = render(results, latencies, produceRate);
        session.publish(run.report, "bench ad-clicks", table);
        return 0;
    }

    private BenchCommand.Result runJob(
            BenchSession session, String job, String label, String input, Path filters, String windows, boolean discard)
            throws Exception {
        return session.runJob(
                job,
                "w" + windows.replace(",", "-"),
                label,
                input,
                events,
                RESULT_TOPICS,
                List.of("--filters", filters.toString(), "--windows", windows),
                discard);
    }

    /**
     * The latency of the job as deployed, then with results discarded: the difference is what
     * writing each minute's results costs, as they all go out when the minute closes.
     */
    private List<BenchCommand.Latency> latencyRuns(BenchSession session, Path filters) throws Exception {
        return List.of(
                latencyRun(session, filters, "job as deployed", false),
                latencyRun(session, filters, "job with results discarded", true));
    }

    /** Window-result latency with the input produced at a fixed rate, event time = wall time. */
    private BenchCommand.Latency latencyRun(BenchSession session, Path filters, String label, boolean discard)
            throws Exception {
        LocalStack stack = session.stack;
        String name = "bench-latency-" + (discard ? "discard-" : "") + session.run;
        BenchCommand.step("BenchCommand.Latency at " + String.format("%,d", latencyRate) + " records/s for "
                + latencySeconds + " s, " + label + ": " + name);
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
        BenchCommand.Latency latency = new BenchCommand.Latency(
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
                if (v.path("id").asText().equals(vertex)
                        && (read > 0 || Instant.now().isAfter(deadline))) {
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
    private static BenchCommand.Stats histogram(FlinkCluster flink, String jobId, String operator, String metric) {
        String base = "/jobs/" + jobId + "/vertices/" + vertexId(flink, jobId, operator) + "/subtasks/metrics";
        Map<String, Double> values = new LinkedHashMap<>();
        for (String stat : List.of("median", "p99", "max")) {
            values.put(stat, metric(flink, base + "?get=" + operator + "." + metric + "_" + stat + "&agg=max", "max"));
        }
        return new BenchCommand.Stats(values.get("median"), values.get("p99"), values.get("max"));
    }

    private String render(List<BenchCommand.Result> results, List<BenchCommand.Latency> latencies, double produceRate) {
        StringBuilder out = new StringBuilder();
        out.append("Command: `./tally bench ad-clicks --events ")
                .append(events)
                .append(latencyOnly ? " --latency-only" : " --event-rate " + eventRate)
                .append(
                        latencySeconds > 0
                                ? " --latency-rate " + latencyRate + " --latency-seconds " + latencySeconds
                                : " --latency-seconds 0")
                .append(run.skipSql ? " --skip-sql" : "")
                .append("`  \n");
        out.append(BenchCommand.runLine());
        if (!results.isEmpty()) {
            out.append(String.format(
                    Locale.ROOT,
                    "Data: %,d records (1%% duplicates, 0.1%% malformed), %,d clicks/s of event time, 2,000,000 ads (Zipf 1.1), 4 filters; preloaded at %,.0f records/s.%n%n",
                    events,
                    eventRate,
                    produceRate));
            out.append(BenchCommand.throughputTable(results));
            out.append(BenchCommand.sqlRatios(results, JOB_ALL_SINKS, SQL_ALL_SINKS, JOB_DISCARDED, SQL_DISCARDED));
        }
        for (BenchCommand.Latency latency : latencies) {
            out.append(String.format(
                    Locale.ROOT,
                    "%nWindow-result latency, %s, input at %,d records/s for %d s with event time = wall time:"
                            + " when the input stopped the job had decoded %,d of the %,d records (%.0f%%; 0.1%% are malformed)"
                            + " and emitted %,d 1-minute counts, each minute's when it closes.",
                    latency.label(),
                    latencyRate,
                    latencySeconds,
                    latency.read(),
                    latency.produced(),
                    100.0 * latency.read() / latency.produced(),
                    latency.emitted()));
            out.append(
                    Double.isNaN(latency.counts().p99())
                            ? " No 1-minute count had been emitted: the job did not keep up with this rate, so its latency grows without bound.\n"
                            : String.format(
                                    Locale.ROOT,
                                    " Wall clock at emission minus the window end, the highest of the subtasks' figures: of a 1-minute count"
                                            + " (over their last 10,000) %s; of a top-N list (their last 1,000) %s. The watermark delay is 15 s.%n",
                                    latency.counts().describe(),
                                    latency.topN().describe()));
        }
        return out.toString();
    }
}
