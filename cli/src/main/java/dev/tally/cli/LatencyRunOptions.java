package dev.tally.cli;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** The options of a benchmark's live latency runs; each benchmark gives its own defaults. */
final class LatencyRunOptions {
    @Option(
            names = "--latency-rates",
            split = ",",
            description = "Input records per second of each latency run (default: ${DEFAULT-VALUE}).")
    List<Long> rates;

    @Option(
            names = "--latency-seconds",
            description = "How long each latency run is probed; 0 skips them (default: ${DEFAULT-VALUE}).")
    long seconds;

    @Option(names = "--latency-only", description = "Run only the latency runs (no preload, no throughput runs).")
    boolean only;

    @Option(
            names = "--latency-checkpoint-interval",
            description =
                    "Checkpoint interval of the latency runs' job (default: the cluster's, flink-conf/config.yaml).")
    Duration checkpointInterval;

    LatencyRunOptions(List<Long> rates, long seconds) {
        this.rates = rates;
        this.seconds = seconds;
    }

    /** The options as a report quotes them: {@code --latency-rates 2500,25000 --latency-seconds 60}. */
    String quoted() {
        return "--latency-rates " + rates.stream().map(String::valueOf).collect(Collectors.joining(","))
                + " --latency-seconds " + seconds
                + (checkpointInterval == null ? "" : " --latency-checkpoint-interval " + checkpointInterval);
    }

    /** The -D options that give the latency runs' job its checkpoint interval; none for the cluster's. */
    List<String> flinkOptions() {
        return checkpointInterval == null
                ? List.of()
                : List.of("-Dexecution.checkpointing.interval=" + checkpointInterval.toMillis() + "ms");
    }

    /** The checkpoint interval in words, for a report. */
    String checkpoints() {
        return checkpointInterval == null ? "10 s (the cluster's interval)" : checkpointInterval.toMillis() + " ms";
    }
}
