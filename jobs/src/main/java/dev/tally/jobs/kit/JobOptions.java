package dev.tally.jobs.kit;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.connectors.client.ClientConfig;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Topics;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every job has (where it reads and writes, event time, transactions), from arguments
 * or a properties file ({@code --config}: keys are the long option names without dashes; arguments
 * win). A job's options class extends this with its own, annotated {@code @Command(name = <job>)},
 * and sets its defaults for the input topic, consumer group, transactional id prefix and job name
 * in its constructor. The same class serves the live run, the replay and the tests.
 */
public abstract class JobOptions {

    /**
     * Key groups of every keyed operator. It is part of a savepoint's layout: a job restores only
     * with the max parallelism it was started with, so it is set explicitly, to the value Flink
     * derived for the earlier ad-click versions (parallelism 2: 128).
     */
    public static final int DEFAULT_MAX_PARALLELISM = 128;

    @Option(names = "--config", description = "Properties file with defaults for any option below.")
    public Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka brokers (default: ${DEFAULT-VALUE}).")
    public String bootstrapServers = "127.0.0.1:9092";

    @Option(
            names = "--client-config",
            description =
                    "Properties file of Kafka client properties (kafka.<property>) and Cassandra credentials"
                            + " (cassandra.username, cassandra.password), readable by its owner only; read where the job is submitted.")
    public Path clientConfigFile;

    @Option(names = "--input-topic", description = "Input topic (default: ${DEFAULT-VALUE}).")
    public String inputTopic;

    @Option(names = "--dlq-topic", description = "Dead-letter topic (default: <input-topic>.dlq).")
    public String dlqTopic;

    @Option(names = "--late-topic", description = "Late-event topic (default: <input-topic>.late).")
    public String lateTopic;

    @Option(names = "--group-id", description = "Kafka consumer group (default: ${DEFAULT-VALUE}).")
    public String groupId;

    @Option(names = "--bounded", description = "Stop at the input's latest offsets as of the start (tests, backfills).")
    public boolean bounded;

    @Option(
            names = "--discard-results",
            description = "Compute everything but write nothing (benchmarks: the engine's cost without the sinks').")
    public boolean discardResults;

    @Option(
            names = "--cassandra",
            description = "Cassandra contact points host:port[,host:port...] (default: ${DEFAULT-VALUE}).")
    public String cassandra = "127.0.0.1:9042";

    @Option(names = "--cassandra-dc", description = "Cassandra local datacenter (default: ${DEFAULT-VALUE}).")
    public String cassandraDatacenter = CassandraConnection.DEFAULT_LOCAL_DATACENTER;

    @Option(
            names = "--cassandra-request-timeout",
            description =
                    "A Cassandra write not answered in this time is retried (upserts are idempotent) (default: ${DEFAULT-VALUE}).")
    public Duration cassandraRequestTimeout = CassandraConnection.DEFAULT_REQUEST_TIMEOUT;

    @Option(
            names = "--cassandra-batching",
            description = "Which rows share an unlogged batch: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; "
                    + "REPLICA_SET suits small clusters with a low replication factor, like the local stack; "
                    + "PARTITION_KEY any cluster).")
    public CassandraSink.BatchMode cassandraBatching = CassandraSink.BatchMode.REPLICA_SET;

    @Option(
            names = "--cassandra-batch-rows",
            description =
                    "Rows per unlogged batch (default: the mode's, 32 for PARTITION_KEY and 10 for REPLICA_SET, whose "
                            + "batches span partitions: keep it at most the server's unlogged_batch_across_partitions_warn_threshold).")
    public Integer cassandraBatchRows;

    @Option(names = "--keyspace", description = "Cassandra keyspace (default: ${DEFAULT-VALUE}).")
    public String keyspace = "tally";

    @Option(
            names = "--archive-dir",
            description =
                    "Where raw accepted records are archived as Avro, by event hour (a Flink file system URI). Off when unset.")
    public String archiveDir;

    @Option(
            names = "--archive-retention",
            description =
                    "Hours of the raw archive older than this (by wall clock) are deleted by the live job, once an hour;"
                            + " more than --max-event-age, which bounds how old a record the job still archives. PT0S keeps"
                            + " everything (default: ${DEFAULT-VALUE}).")
    public Duration archiveRetention = Duration.ofDays(30);

    @Option(names = "--out-of-orderness", description = "Watermark delay (default: ${DEFAULT-VALUE}).")
    public Duration outOfOrderness = Duration.ofSeconds(15);

    @Option(
            names = "--idleness",
            description =
                    "A partition without records this long stops holding the watermark back (default: ${DEFAULT-VALUE}).")
    public Duration idleness = Duration.ofSeconds(30);

    @Option(
            names = "--max-event-age",
            description = "Older event times (vs. the Kafka timestamp) are dead letters (default: ${DEFAULT-VALUE}).")
    public Duration maxEventAge = Duration.ofDays(7);

    @Option(
            names = "--max-event-future",
            description =
                    "Event times further ahead of the Kafka timestamp are dead letters: a few minutes, so one producer with"
                            + " a fast clock cannot push a partition's watermark ahead and make everyone else's records late. Input"
                            + " topics stamp records with the broker's time (LogAppendTime) (default: ${DEFAULT-VALUE}).")
    public Duration maxEventFuture = Duration.ofMinutes(5);

    @Option(
            names = "--transactional-id-prefix",
            description =
                    "Kafka transactional id prefix, stable per job so that a resubmitted job aborts its predecessor's"
                            + " open transactions; unique per job on a Kafka cluster (default: ${DEFAULT-VALUE}).")
    public String transactionalIdPrefix;

    @Option(
            names = "--transaction-timeout",
            description =
                    "Kafka transaction timeout: at most the broker's transaction.max.timeout.ms (15 min by default),"
                            + " at least checkpoint interval + timeout x (tolerable failures + 1) + restart delay, checked at"
                            + " start (default: ${DEFAULT-VALUE}).")
    public Duration transactionTimeout = Duration.ofMinutes(14);

    @Option(
            names = "--max-parallelism",
            description =
                    "Key groups of the keyed state; a savepoint restores only into the same value (default: ${DEFAULT-VALUE}).")
    public int maxParallelism = DEFAULT_MAX_PARALLELISM;

    @Option(names = "--job-name", description = "Flink job name (default: ${DEFAULT-VALUE}).")
    public String jobName;

    /**
     * Defaults of the options whose value is the job's own: input topic {@code inputTopic}, consumer
     * group, transactional id prefix and job name {@code tally-<job>}.
     */
    protected JobOptions(String job, String inputTopic) {
        this.inputTopic = inputTopic;
        this.groupId = "tally-" + job;
        this.transactionalIdPrefix = "tally-" + job;
        this.jobName = "tally-" + job;
    }

    /**
     * Parses {@code args} into {@code options}; returns null after printing help or the version.
     * A usage error throws picocli's {@link CommandLine.ParameterException}.
     */
    public static <O extends JobOptions> O parse(O options, String... args) {
        CommandLine cli = commandLine(options);
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
        options.validate();
        return options;
    }

    /** The picocli command of {@code options}, for help and parsing. */
    public static CommandLine commandLine(JobOptions options) {
        CommandLine cli = new CommandLine(options);
        cli.setUsageHelpWidth(120);
        return cli;
    }

    /** Checks that options fit together; throws {@link IllegalArgumentException} naming the option. */
    protected void validate() {
        if (maxParallelism < 1 || maxParallelism > 32768) {
            throw new IllegalArgumentException("--max-parallelism must be in [1, 32768], was " + maxParallelism);
        }
        // Otherwise the live job would archive a record into an hour it has just deleted, or will soon.
        if (!archiveRetention.isZero() && archiveRetention.compareTo(maxEventAge.plusHours(1)) <= 0) {
            throw new IllegalArgumentException(
                    "--archive-retention (" + archiveRetention + ") must be longer than --max-event-age (" + maxEventAge
                            + ") plus an hour, or PT0S to keep everything");
        }
    }

    public String dlqTopic() {
        return dlqTopic != null ? dlqTopic : Topics.deadLetter(inputTopic);
    }

    public String lateTopic() {
        return lateTopic != null ? lateTopic : Topics.late(inputTopic);
    }

    /** How the Cassandra sinks group rows, from --cassandra-batching and --cassandra-batch-rows. */
    public CassandraSink.Batching cassandraSinkBatching() {
        CassandraSink.Batching batching = CassandraSink.Batching.of(cassandraBatching);
        return cassandraBatchRows == null ? batching : batching.withMaxStatements(cassandraBatchRows);
    }

    /** The connection of the sinks, in {@code keyspace} (none when null). */
    /** The {@code --client-config} file's Kafka properties and Cassandra credentials; none without it. */
    public ClientConfig clientConfig() {
        return ClientConfig.load(clientConfigFile);
    }

    /** The brokers, with the client config's Kafka properties. */
    public KafkaClients kafka() {
        return clientConfig().kafka(bootstrapServers);
    }

    public CassandraConnection cassandraConnection(String keyspace) {
        CassandraConnection.Builder builder = clientConfig()
                .applyTo(CassandraConnection.builder()
                        .contactPoints(cassandra.split(","))
                        .localDatacenter(cassandraDatacenter)
                        .requestTimeout(cassandraRequestTimeout));
        return keyspace == null ? builder.build() : builder.keyspace(keyspace).build();
    }

    /**
     * What the job's results depend on besides its input, as option name to value: a replay records it,
     * and promote refuses a replay whose definition differs from the live job's. Where the job reads and
     * writes, and how fast, are not part of it. Jobs add their own options (and a digest of any file
     * an option names, since a path says nothing of its contents).
     */
    public Map<String, String> resultDefinition() {
        Map<String, String> definition = new TreeMap<>();
        definition.put("max-event-age", maxEventAge.toString());
        definition.put("max-event-future", maxEventFuture.toString());
        return definition;
    }

    /** SHA-256 of a file an option names, or "none" without one: the part of the result definition a path stands for. */
    protected static String digestOf(Path file) {
        if (file == null) {
            return "none";
        }
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every option with its value, for the Flink web UI's job configuration tab. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        new CommandLine(this).getCommandSpec().options().forEach(option -> {
            Object value = option.getValue();
            if (value != null && !option.usageHelp() && !option.versionHelp()) {
                map.put(
                        option.longestName().substring(2),
                        value instanceof int[] ints ? Arrays.toString(ints) : value.toString());
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
