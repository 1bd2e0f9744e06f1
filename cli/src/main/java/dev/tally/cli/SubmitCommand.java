package dev.tally.cli;

import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.jobs.kit.TallyJobs;
import dev.tally.jobs.kit.TallyMain;
import dev.tally.stack.FlinkCluster;
import dev.tally.stack.TallyHome;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tally submit <job> [job options]}: what {@code flink run} does, against the local cluster or another. */
@Command(
        name = "submit",
        sortOptions = false,
        description = {
            "Submit a job of jobs/target/tally-jobs.jar through the Flink CLI (flink run -d) to the local session",
            "cluster, or to the one --jobmanager names. Arguments after the job name are the job's options;",
            "'submit <job> --help' lists them."
        })
final class SubmitCommand implements Callable<Integer> {

    @Option(
            names = {"-s", "--from-savepoint"},
            description =
                    "Resume from this savepoint or retained checkpoint (flink run -s), as 'tally cancel' prints it.")
    String savepoint;

    @Mixin
    JobCommandLine jobCommandLine;

    @Override
    public Integer call() {
        TallyJob<?, ?, ?> job = jobCommandLine.job();
        if (job == null) {
            return 0;
        }
        TallyHome home = TallyHome.locate();
        List<String> jobArgs = jobCommandLine.jobArgsFor(home);
        // The job's options are checked here, before anything is submitted.
        if (JobOptions.parse(job.newOptions(), jobArgs.toArray(String[]::new)) == null) {
            return 0;
        }
        requireJar(home);
        List<String> args = new ArrayList<>(List.of(job.name()));
        args.addAll(jobArgs);
        return jobCommandLine
                .cluster(home)
                .submit(
                        home.jobsJar(),
                        TallyMain.class.getName(),
                        savepoint,
                        jobCommandLine.flinkOptions(),
                        args,
                        Duration.ofMinutes(5));
    }

    /** {@code flink run -d} of a registered job with {@code jobArgs}, on {@code flink}'s cluster. */
    static int submit(FlinkCluster flink, TallyHome home, String job, List<String> jobArgs, Duration timeout) {
        return submit(flink, home, job, List.of(), jobArgs, timeout);
    }

    /** As above, with {@code flinkOptions} for the Flink CLI (e.g. {@code -Dexecution.checkpointing.interval=1s}). */
    static int submit(
            FlinkCluster flink,
            TallyHome home,
            String job,
            List<String> flinkOptions,
            List<String> jobArgs,
            Duration timeout) {
        requireJar(home);
        List<String> args = new ArrayList<>(List.of(TallyJobs.byName(job).name()));
        args.addAll(jobArgs);
        return flink.submit(home.jobsJar(), TallyMain.class.getName(), null, flinkOptions, args, timeout);
    }

    static void requireJar(TallyHome home) {
        if (!Files.isRegularFile(home.jobsJar())) {
            throw new IllegalArgumentException("Missing " + home.jobsJar() + ": build with mvn -DskipTests package");
        }
    }

    static final class JobNames extends ArrayList<String> {
        JobNames() {
            super(TallyJobs.names());
        }
    }
}
