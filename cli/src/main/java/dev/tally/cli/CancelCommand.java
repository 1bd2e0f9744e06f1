package dev.tally.cli;

import dev.tally.stack.FlinkCluster;
import dev.tally.stack.LocalStack;
import dev.tally.stack.TallyHome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tally cancel <job>}: stop a running job with a savepoint. */
@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        description = "Stop a running job with a savepoint (flink stop); resume it later with submit ... -s <path>.")
final class CancelCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Job id, or job name as 'tally jobs' shows it.")
    String job;

    @Override
    public Integer call() {
        FlinkCluster flink = LocalStack.ofCheckout(TallyHome.locate()).flink();
        List<FlinkCluster.JobInfo> matches = flink.jobs().stream()
                .filter(j -> j.state().equals("RUNNING"))
                .filter(j -> j.id().equals(job) || j.name().equals(job))
                .toList();
        if (matches.size() != 1) {
            throw new IllegalArgumentException(
                    matches.isEmpty()
                            ? "No running job with id or name '" + job + "'"
                            : "Several running jobs are named '" + job + "'; give the job id");
        }
        String savepoint = flink.stopWithSavepoint(matches.get(0).id(), Duration.ofMinutes(5));
        System.out.println("Stopped " + matches.get(0).id() + " with savepoint " + savepoint);
        return 0;
    }
}
