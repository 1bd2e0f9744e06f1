package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.stack.FlinkCluster;
import dev.tally.stack.LocalStack;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.TallyHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code tally bench}: side-by-side end-to-end benchmarks on the local stack. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "End-to-end benchmarks on the local stack.",
        subcommands = {
            AdClicksBench.class,
            MetricsBench.class,
            LeaderboardBench.class,
            SalesRankBench.class,
            DashboardBench.class
        })
final class BenchCommand {

    static final String RAW_CONSUME = "raw Kafka consume (1 consumer, read_committed)";

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
        out.append(
                "| run | records | seconds | records/s | vs raw consume | checkpoints (n, p50 ms, max ms, max size) | CPU, share of machine: all (TaskManager, Cassandra, Kafka, JobManager) |\n");
        out.append("|---|---:|---:|---:|---:|---|---:|\n");
        double raw = results.get(0).rate();
        for (Result r : results) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %.1f | %,.0f | %.3f | %s | %s |%n",
                    r.label,
                    r.records,
                    r.seconds,
                    r.rate(),
                    r.rate() / raw,
                    r.checkpoints == null
                            ? "-"
                            : String.format(
                                    Locale.ROOT,
                                    "%d, %.0f, %d, %s",
                                    r.checkpoints.completed,
                                    r.checkpoints.p50Millis,
                                    r.checkpoints.maxMillis,
                                    bytes(r.checkpoints.maxStateBytes)),
                    cpu(r.cpuShares)));
        }
        return out.toString();
    }

    /** The job's records/s against Flink SQL's, with all sinks and with results discarded; "" without the SQL runs. */
    static String sqlRatios(
            List<Result> results, String jobAllSinks, String sqlAllSinks, String jobDiscarded, String sqlDiscarded) {
        Map<String, Double> rates = new LinkedHashMap<>();
        results.forEach(r -> rates.put(r.label, r.rate()));
        if (!rates.containsKey(sqlAllSinks)) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                "%nThe job against Flink SQL on the same input (records/s ratio): %.2fx with all sinks, %.2fx with results discarded.%n",
                rates.get(jobAllSinks) / rates.get(sqlAllSinks),
                rates.get(jobDiscarded) / rates.get(sqlDiscarded));
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
    static String cpu(Map<String, Double> shares) {
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
        return String.format(
                Locale.ROOT,
                "%d cores (%s), %.0f GiB RAM, Java %s; Kafka, Cassandra and Flink on the same machine",
                Runtime.getRuntime().availableProcessors(),
                cpu,
                memKb / 1024.0 / 1024.0,
                System.getProperty("java.version"));
    }

    private static String bytes(long n) {
        return n >= 1 << 20
                ? String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0)
                : String.format(Locale.ROOT, "%.0f KiB", n / 1024.0);
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
        text = i >= 0 && j > i
                ? text.substring(0, i) + block + text.substring(j + end.length())
                : text + "\n" + block + "\n";
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

    record Checkpoints(
            long completed, double p50Millis, long maxMillis, long maxStateBytes, long maxCheckpointedBytes) {}

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
