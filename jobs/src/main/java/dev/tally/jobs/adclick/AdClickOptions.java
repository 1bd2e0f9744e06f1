package dev.tally.jobs.adclick;

import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.jobs.adclick.functions.DeduplicateClicks;
import dev.tally.jobs.adclick.functions.MergeTopN;
import dev.tally.jobs.adclick.functions.PreAggregateClicks;
import dev.tally.jobs.adclick.functions.RollingTopCandidates;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Options of the ad-click job, from arguments or a properties file ({@code --config}, keys are the long
 * option names without dashes; arguments win).
 */
@Command(
        name = "ad-clicks",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Exact per-minute ad click counts per filter and country, and sliding top-N ads.")
public final class AdClickOptions {

    @Option(names = "--config", description = "Properties file with defaults for any option below.")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka brokers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers = "127.0.0.1:9092";

    @Option(names = "--input-topic", description = "Click topic (default: ${DEFAULT-VALUE}).")
    String inputTopic = Topics.AD_CLICKS;

    @Option(names = "--counts-topic", description = "Per-minute counts topic (default: ${DEFAULT-VALUE}).")
    String countsTopic = Topics.AD_CLICK_COUNTS;

    @Option(names = "--top-topic", description = "Top-N topic (default: ${DEFAULT-VALUE}).")
    String topTopic = Topics.AD_TOP_ADS;

    @Option(names = "--dlq-topic", description = "Dead-letter topic (default: <input-topic>.dlq).")
    String dlqTopic;

    @Option(names = "--late-topic", description = "Late-event topic (default: <input-topic>.late).")
    String lateTopic;

    @Option(names = "--group-id", description = "Kafka consumer group (default: ${DEFAULT-VALUE}).")
    String groupId = "tally-ad-clicks";

    @Option(
            names = "--bounded",
            description = "Stop at the input's latest offsets as of the start (tests, backfills).")
    boolean bounded;

    @Option(
            names = "--discard-results",
            description = "Compute everything but write nothing (benchmarks: the engine's cost without the sinks').")
    boolean discardResults;

    @Option(names = "--cassandra", description = "Cassandra contact point host:port (default: ${DEFAULT-VALUE}).")
    String cassandra = "127.0.0.1:9042";

    @Option(names = "--cassandra-dc", description = "Cassandra local datacenter (default: ${DEFAULT-VALUE}).")
    String cassandraDatacenter = "datacenter1";

    @Option(
            names = "--cassandra-batching",
            description =
                    "Which rows share an unlogged batch: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; "
                            + "REPLICA_SET suits small clusters with a low replication factor, like the local stack; "
                            + "PARTITION_KEY any cluster).")
    CassandraSink.BatchMode cassandraBatching = CassandraSink.BatchMode.REPLICA_SET;

    @Option(
            names = "--cassandra-batch-rows",
            description =
                    "Rows per unlogged batch (default: the mode's, 32 for PARTITION_KEY and 10 for REPLICA_SET, whose "
                            + "batches span partitions: keep it at most the server's unlogged_batch_across_partitions_warn_threshold).")
    Integer cassandraBatchRows;

    /** How the Cassandra sinks group rows, from --cassandra-batching and --cassandra-batch-rows. */
    CassandraSink.Batching cassandraSinkBatching() {
        CassandraSink.Batching batching = CassandraSink.Batching.of(cassandraBatching);
        return cassandraBatchRows == null ? batching : batching.withMaxStatements(cassandraBatchRows);
    }

    @Option(names = "--keyspace", description = "Cassandra keyspace (default: ${DEFAULT-VALUE}).")
    String keyspace = "tally";

    @Option(names = "--filters", description = "YAML file of filters; without it only filter 0 (all clicks).")
    Path filters;

    @Option(names = "--archive-dir", description = "Where raw accepted clicks are archived as Avro, by event hour (a Flink file system URI). Off when unset.")
    String archiveDir;

    @Option(names = "--out-of-orderness", description = "Watermark delay (default: ${DEFAULT-VALUE}).")
    Duration outOfOrderness = Duration.ofSeconds(15);

    @Option(names = "--idleness", description = "A partition without records this long stops holding the watermark back (default: ${DEFAULT-VALUE}).")
    Duration idleness = Duration.ofSeconds(30);

    @Option(names = "--allowed-lateness", description = "Window lateness after the watermark (default: ${DEFAULT-VALUE}).")
    Duration allowedLateness = Duration.ZERO;

    @Option(names = "--dedup-horizon", description = "Event-time horizon of click_id deduplication (default: ${DEFAULT-VALUE}).")
    Duration dedupHorizon = DeduplicateClicks.DEFAULT_HORIZON;

    @Option(names = "--max-event-age", description = "Older event times (vs. the Kafka timestamp) are dead letters (default: ${DEFAULT-VALUE}).")
    Duration maxEventAge = Duration.ofDays(7);

    @Option(names = "--max-event-future", description = "Event times further ahead are dead letters (default: ${DEFAULT-VALUE}).")
    Duration maxEventFuture = Duration.ofHours(1);

    @Option(names = "--top-n", description = "Ads per top list (default: ${DEFAULT-VALUE}).")
    int topN = MergeTopN.DEFAULT_TOP_N;

    @Option(names = "--windows", split = ",", description = "Top-N window sizes in minutes (default: 1,5,60).")
    int[] windowMinutes = RollingTopCandidates.DEFAULT_WINDOW_MINUTES;

    @Option(names = "--pre-aggregate-max-entries", description = "Partial counts a subtask holds before it flushes (default: ${DEFAULT-VALUE}).")
    int preAggregateMaxEntries = PreAggregateClicks.DEFAULT_MAX_ENTRIES;

    @Option(names = "--transactional-id-prefix", description = "Unique per job on a Kafka cluster (default: ${DEFAULT-VALUE}).")
    String transactionalIdPrefix = "tally-ad-clicks";

    @Option(names = "--transaction-timeout", description = "Kafka transaction timeout; below the broker's transaction.max.timeout.ms, well above checkpoint interval + restart (default: ${DEFAULT-VALUE}).")
    Duration transactionTimeout = Duration.ofMinutes(10);

    @Option(names = "--job-name", description = "Flink job name (default: ${DEFAULT-VALUE}).")
    String jobName = "tally-ad-clicks";

    /** Parses arguments; returns null after printing help or a usage error (then {@code exitCode} says which). */
    public static AdClickOptions parse(String... args) {
        AdClickOptions options = new AdClickOptions();
        CommandLine cli = new CommandLine(options);
        Path config = configArgument(args);
        if (config != null) {
            cli.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(load(config)));
        }
        cli.parseArgs(args);
        if (cli.isUsageHelpRequested()) {
            cli.usage(System.out);
            return null;
        }
        if (cli.isVersionHelpRequested()) {
            cli.printVersionHelp(System.out);
            return null;
        }
        return options;
    }

    public String dlqTopic() {
        return dlqTopic != null ? dlqTopic : Topics.deadLetter(inputTopic);
    }

    public String lateTopic() {
        return lateTopic != null ? lateTopic : Topics.late(inputTopic);
    }

    public AdClickPipeline.Settings settings() {
        return new AdClickPipeline.Settings(
                filters == null ? ClickFilters.allOnly() : ClickFilters.load(filters),
                dedupHorizon,
                allowedLateness,
                topN,
                windowMinutes,
                preAggregateMaxEntries);
    }

    /** Every option with its value, for the Flink web UI's job configuration tab. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        new CommandLine(this)
                .getCommandSpec()
                .options()
                .forEach(
                        option -> {
                            Object value = option.getValue();
                            if (value != null && !option.usageHelp() && !option.versionHelp()) {
                                map.put(
                                        option.longestName().substring(2),
                                        value instanceof int[] ints ? java.util.Arrays.toString(ints) : value.toString());
                            }
                        });
        map.put("dlq-topic", dlqTopic());
        map.put("late-topic", lateTopic());
        return map;
    }

    private static Path configArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return properties;
    }
}
