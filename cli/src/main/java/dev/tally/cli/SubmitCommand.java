package dev.tally.cli;

import dev.tally.stack.LocalStack;
import dev.tally.stack.TallyHome;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code tally submit <job> [job options]}: what {@code flink run} does, against the local cluster. */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = {
            "Submit a job of jobs/target/tally-jobs.jar to the local Flink session cluster through the Flink CLI",
            "(CliFrontend run -d). Options after the job name go to the job; '<job> --help' lists them."
        })
final class SubmitCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Job: ${COMPLETION-CANDIDATES}", completionCandidates = JobNames.class)
    String job;

    @Option(
            names = {"-s", "--from-savepoint"},
            description = "Resume from this savepoint or retained checkpoint (flink run -s), as 'tally cancel' prints it.")
    String savepoint;

    @Unmatched List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() {
        TallyHome home = TallyHome.locate();
        if (!Files.isRegularFile(home.jobsJar())) {
            throw new IllegalArgumentException("Missing " + home.jobsJar() + ": build with mvn -DskipTests package");
        }
        LocalStack stack = LocalStack.ofCheckout(home);
        return stack.flink().submit(home.jobsJar(), JobCatalog.mainClass(job), savepoint, jobArgs, Duration.ofMinutes(5));
    }

    static final class JobNames extends ArrayList<String> {
        JobNames() {
            super(JobCatalog.MAIN_CLASSES.keySet());
        }
    }
}
