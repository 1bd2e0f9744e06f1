package dev.tally.cli;

import dev.tally.stack.FlinkCluster;
import dev.tally.stack.LocalStack;
import dev.tally.stack.TallyHome;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code tally jobs}: the jobs of the local Flink cluster. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List the jobs of the local Flink cluster.")
final class JobsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        LocalStack stack = LocalStack.ofCheckout(TallyHome.locate());
        System.out.printf("%-34s %-10s %-21s %s%n", "JOB ID", "STATE", "STARTED (UTC)", "NAME");
        for (FlinkCluster.JobInfo job : stack.flink().jobs()) {
            System.out.printf(
                    "%-34s %-10s %-21s %s%n",
                    job.id(),
                    job.state(),
                    Instant.ofEpochMilli(job.startTime()).toString().substring(0, 19),
                    job.name());
        }
        System.out.println("Web UI: " + stack.flink().webUrl());
        return 0;
    }
}
