package dev.tally.jobs.kit;

import dev.tally.connectors.cassandra.ReplayRuns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * A job's replay as a Flink job of its own: {@code flink run -c dev.tally.jobs.kit.ReplayMain
 * tally-jobs.jar <job> --from <t> --to <t> --run-id <id> [--source archive|kafka] [the live job's
 * options, or its --config file]}. It runs in BATCH mode, shows in the cluster's web UI and scales
 * with it, and writes to keyspace {@code replay_<run-id>}. {@code ./tally replay <job>} submits it.
 */
@Command(name = "replay", sortOptions = false)
public final class ReplayMain {

    @Parameters(index = "0", paramLabel = "<job>", description = "The job to replay.")
    String job;

    @Option(names = "--from", required = true, description = "Start of the range, ISO-8601 instant (inclusive).")
    Instant from;

    @Option(names = "--to", required = true, description = "End of the range, ISO-8601 instant (exclusive).")
    Instant to;

    @Option(
            names = "--run-id",
            required = true,
            description = "Replay run id, 1 to 32 letters, digits or '_'; results go to keyspace replay_<run-id>.")
    String runId;

    @Option(
            names = "--source",
            description =
                    "archive (the live job's --archive-dir) or kafka (its input topic) (default: ${DEFAULT-VALUE}).")
    Replay.Source source = Replay.Source.archive;

    @Option(
            names = "--kafka-margin",
            description =
                    "With --source kafka: read records stamped this long before --from and after --to; a record further"
                            + " from its Kafka timestamp is missed (default: ${DEFAULT-VALUE}).")
    Duration kafkaMargin = Duration.ofHours(1);

    @Unmatched
    List<String> jobArgs = new ArrayList<>();

    private JobOptions jobOptions;

    /** Parses the replay's arguments and the job's options among them; null after printing the job's help. */
    public static ReplayMain parse(String... args) {
        ReplayMain replay = new ReplayMain();
        new CommandLine(replay).parseArgs(args);
        keyspaceOf(replay.runId);
        replay.jobOptions = JobOptions.parse(replay.job().newOptions(), replay.jobArgs.toArray(String[]::new));
        if (replay.jobOptions == null) {
            return null;
        }
        if (replay.keyspace().equals(replay.jobOptions.keyspace)) {
            throw new IllegalArgumentException(
                    "The replay keyspace must differ from the live keyspace " + replay.keyspace());
        }
        return replay;
    }

    /** The keyspace of a replay run's results. */
    public static String keyspaceOf(String runId) {
        if (runId == null || !runId.matches("[A-Za-z0-9_]{1,32}")) {
            throw new IllegalArgumentException("--run-id must be 1 to 32 letters, digits or '_', was " + runId);
        }
        return ReplayRuns.KEYSPACE_PREFIX + runId.toLowerCase(java.util.Locale.ROOT);
    }

    public static void main(String[] args) throws Exception {
        ReplayMain replay = parse(args);
        if (replay != null) {
            replay.run(replay.job(), StreamExecutionEnvironment.getExecutionEnvironment());
        }
    }

    public TallyJob<?, ?, ?> job() {
        return TallyJobs.byName(job);
    }

    /** The live job's options, as the replay parsed them. */
    public JobOptions jobOptions() {
        return jobOptions;
    }

    public String runId() {
        return runId;
    }

    public String keyspace() {
        return keyspaceOf(runId);
    }

    public Replay.Settings settings() {
        return new Replay.Settings(from, to, source, kafkaMargin, keyspace());
    }

    @SuppressWarnings("unchecked")
    private <I extends SpecificRecordBase, O extends JobOptions, R> void run(
            TallyJob<I, O, R> tallyJob, StreamExecutionEnvironment env) throws Exception {
        Replay.Result result = Replay.run(env, tallyJob, (O) jobOptions, settings(), System.out);
        System.out.printf(
                "Replayed %,d records of the range from %,d records of %s in %.1f s.%n",
                result.replayedRecords(),
                result.inputRecords(),
                result.input(),
                result.took().toMillis() / 1000.0);
    }
}
