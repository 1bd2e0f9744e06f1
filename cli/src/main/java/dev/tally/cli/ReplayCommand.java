package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.Replay;
import dev.tally.jobs.kit.ReplayMain;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.stack.CqlSchema;
import dev.tally.stack.FlinkCluster;
import dev.tally.stack.TallyHome;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code tally replay <job>}: the job's own DAG and options in BATCH mode over the raw input of a
 * range, submitted with {@code flink run} ({@link ReplayMain}) to the local cluster or any other.
 */
@Command(
        name = "replay",
        sortOptions = false,
        description = {
            "Recalculate a job's results of [--from, --to) from raw data with the job's own DAG and options, as a Flink",
            "BATCH job submitted with flink run (it shows in the Flink web UI), into keyspace replay_<run-id>; the live",
            "tables are not touched. After the job name: --from, --to, [--run-id], [--source archive|kafka],",
            "[--kafka-margin], then the live job's own options or its --config file (its --archive-dir, --input-topic,",
            "--filters, --cassandra ... say where to read and what to compute). Every record of the range counts,",
            "including those the live job found late.",
            "Example: ./tally replay ad-clicks --from 2026-11-23T14:00:00Z --to 2026-11-23T15:00:00Z \\",
            "             --archive-dir .tally/archive/ad-clicks --filters filters.yaml"
        })
final class ReplayCommand implements Callable<Integer> {

    @Mixin
    JobCommandLine jobCommandLine;

    @Override
    public Integer call() {
        TallyJob<?, ?, ?> job = jobCommandLine.job();
        if (job == null) {
            return 0;
        }
        TallyHome home = TallyHome.locate();
        List<String> args = new ArrayList<>(List.of(job.name()));
        args.addAll(jobCommandLine.jobArgsFor(home));
        return replay(jobCommandLine.cluster(home), home, jobCommandLine.flinkOptions(), args);
    }

    /**
     * Creates the replay's keyspace, then runs {@link ReplayMain} with {@code args} on the cluster
     * and waits for it; a run id is chosen when {@code args} has none.
     */
    static int replay(FlinkCluster flink, TallyHome home, List<String> flinkOptions, List<String> args) {
        List<String> replayArgs = new ArrayList<>(args);
        if (!args.contains("--run-id")) {
            replayArgs.addAll(List.of(
                    "--run-id",
                    DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                            .withZone(ZoneOffset.UTC)
                            .format(Instant.now())));
        }
        ReplayMain replay = ReplayMain.parse(replayArgs.toArray(String[]::new));
        if (replay == null) {
            return 0;
        }
        SubmitCommand.requireJar(home);
        JobOptions options = replay.jobOptions();
        try (CqlSession session = options.cassandraConnection(null).open("tally-replay-schema")) {
            CqlSchema.apply(session, replay.keyspace(), CqlSchema.LOCAL_REPLICATION);
        }
        int exit =
                flink.run(home.jobsJar(), ReplayMain.class.getName(), flinkOptions, replayArgs, Duration.ofHours(12));
        if (exit == 0) {
            Replay.Settings settings = replay.settings();
            System.out.println("Replay run id: " + replay.runId() + " (keyspace " + replay.keyspace() + ")");
            System.out.println("Next: ./tally reconcile " + replay.job().name() + " --run-id " + replay.runId()
                    + " --from " + settings.from() + " --to " + settings.to() + " --keyspace " + options.keyspace);
        }
        return exit;
    }
}
