package dev.tally.cli;

import dev.tally.jobs.kit.JobOptions;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.jobs.kit.TallyJobs;
import dev.tally.stack.FlinkCluster;
import dev.tally.stack.LocalStack;
import dev.tally.stack.TallyHome;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What the commands that run a job on a cluster share: the job's name, then the job's own options
 * (passed on untouched), {@code --help} that lists both the command's and the job's options, and the
 * cluster to submit to. The command sets {@code stopAtPositional}, so everything after the job name
 * is the job's.
 */
final class JobCommandLine {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = {"-h", "--help"},
            description = "This help; after the job name, the job's options too.")
    boolean help;

    @Option(
            names = "--jobmanager",
            paramLabel = "host:port",
            description = "REST address of the Flink cluster to submit to (default: the local stack's).")
    String jobmanager;

    @Option(names = "--parallelism", description = "Parallelism of the job (flink run -p; default: the cluster's).")
    Integer parallelism;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "<job>",
            description = "Job: ${COMPLETION-CANDIDATES}",
            completionCandidates = SubmitCommand.JobNames.class)
    String jobName;

    @Parameters(
            index = "1..*",
            paramLabel = "<job option>",
            description = "The job's options; '<job> --help' lists them.")
    List<String> jobArgs = new ArrayList<>();

    /**
     * The job named, or null after printing help: the command's, and the job's options when a job is
     * named ({@code <command> <job> --help}, also with {@code --help} after the job name).
     */
    TallyJob<?, ?, ?> job() {
        boolean jobHelp = jobArgs.contains("--help") || jobArgs.contains("-h");
        if (jobName == null) {
            command.commandLine().usage(System.out);
            if (!help) {
                throw new IllegalArgumentException("Missing the job: one of " + TallyJobs.names());
            }
            return null;
        }
        TallyJob<?, ?, ?> job = TallyJobs.byName(jobName);
        if (help || jobHelp) {
            if (help) {
                command.commandLine().usage(System.out);
                System.out.println();
            }
            System.out.println("Options of " + job.name() + " (" + job.description() + "):");
            JobOptions.commandLine(job.newOptions()).usage(System.out);
            return null;
        }
        return job;
    }

    /** The job's arguments, with the local stack's Kafka and Cassandra unless another cluster is named. */
    List<String> jobArgsFor(TallyHome home) {
        return jobmanager == null ? LocalStackDefaults.withLocalStack(jobArgs, home) : jobArgs;
    }

    /** flink run's own options: the cluster's address and the parallelism. */
    List<String> flinkOptions() {
        List<String> options = new ArrayList<>();
        if (jobmanager != null) {
            int colon = jobmanager.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--jobmanager must be host:port, was " + jobmanager);
            }
            options.add("-Drest.address=" + jobmanager.substring(0, colon));
            options.add("-Drest.port=" + jobmanager.substring(colon + 1));
        }
        if (parallelism != null) {
            options.addAll(List.of("-p", parallelism.toString()));
        }
        return options;
    }

    /** The Flink CLI of the local stack's installation; {@link #flinkOptions} point it elsewhere. */
    FlinkCluster cluster(TallyHome home) {
        return LocalStack.ofCheckout(home).flink();
    }
}
