package dev.tally.cli;

import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.loadgen.adclick.AdClickVerifyCommand;
import dev.tally.loadgen.kit.Endpoints;
import dev.tally.connectors.kafka.Topics;
import dev.tally.stack.CassandraService;
import dev.tally.stack.FlinkCluster;
import dev.tally.stack.LocalStack;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.TallyHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally demo}: the ad-click job end to end on the local stack, checked against ground truth. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the ad-click job end to end: start the local stack, create this run's topics and keyspace,",
            "generate clicks (with duplicates, late and malformed records) and their ground truth, submit the",
            "job through the Flink CLI, wait for it to finish the input, verify every result exactly, and",
            "start the dashboard on this run's keyspace. The stack keeps running; stop it with 'tally stack down'."
        })
final class DemoCommand implements Callable<Integer> {

    /** The demo's filters; the benchmarks use them too, so their figures describe the demo's job. */
    static final String FILTERS =
            """
            # Filter 0 (all clicks) is implicit. Each filter is a conjunction of glob conditions; '!' negates.
            filters:
              - id: 1
                name: us
                country: US
              - id: 2
                name: non-us
                country: "!US"
              - id: 3
                name: office-ips
                ip: "123.1.2.*"
            """;

    @Option(names = "--events", description = "Records to generate (default: ${DEFAULT-VALUE}).")
    long events = 500_000;

    @Override
    public Integer call() throws Exception {
        TallyHome home = TallyHome.locate();
        String run = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        LocalStack stack = LocalStack.ofCheckout(home);
        step("1/5 Starting the local stack (Kafka, Cassandra, Flink)");
        stack.up(ServiceProcess.Lifetime.DETACHED, Topics.all(4), Duration.ofMinutes(3));

        String input = "ad-clicks-demo-" + run;
        String counts = "ad-click-counts-demo-" + run;
        String top = "ad-top-ads-demo-" + run;
        String keyspace = "demo_" + run;
        Path dir = Files.createDirectories(home.stackDir().resolve("demo").resolve(run));
        Path filters = Files.writeString(dir.resolve("filters.yaml"), FILTERS);
        Path truth = dir.resolve("truth.tsv");
        stack.kafka()
                .createTopics(Map.of(input, 4, Topics.deadLetter(input), 1, Topics.late(input), 1, counts, 4, top, 4));
        stack.cassandra().applySchema(keyspace);
        System.out.println("   run " + run + ": topics " + input + " (+ .dlq, .late), " + counts + ", " + top + "; keyspace " + keyspace);

        step("2/5 Generating " + String.format("%,d", events) + " clicks with their ground truth");
        CommandLine cli = TallyCli.commandLine();
        int generated =
                cli.execute(
                        "loadgen", "ad-clicks", "--events", Long.toString(events), "--topic", input,
                        "--filters", filters.toString(), "--truth", truth.toString());
        if (generated != 0) {
            return generated;
        }

        step("3/5 Submitting the ad-click job with the Flink CLI");
        String jobName = "tally-ad-clicks-demo-" + run;
        int submitted =
                SubmitCommand.submit(
                                stack.flink(),
                                home,
                                AdClickJob.NAME,
                                List.of(
                                        "--bootstrap-servers", stack.kafka().bootstrapServers(),
                                        "--cassandra", stack.cassandra().contactPoint(),
                                        "--cassandra-batch-rows",
                                        Integer.toString(CassandraService.UNLOGGED_BATCH_PARTITIONS),
                                        "--keyspace", keyspace,
                                        "--input-topic", input,
                                        "--counts-topic", counts,
                                        "--top-topic", top,
                                        "--filters", filters.toString(),
                                        "--archive-dir", dir.resolve("archive").toUri().toString(),
                                        "--transactional-id-prefix", jobName,
                                        "--group-id", jobName,
                                        "--job-name", jobName,
                                        "--bounded"),
                                Duration.ofMinutes(2));
        if (submitted != 0) {
            return submitted;
        }

        step("4/5 Waiting for the job to process the input (watch it at " + stack.flink().webUrl() + ")");
        String state = awaitEnd(stack.flink(), jobName).state();
        System.out.println("   job " + state);
        if (!state.equals("FINISHED")) {
            System.err.println("The job ended " + state + "; see " + stack.flink().webUrl() + " and .tally/flink/*.log");
            return 1;
        }

        step("5/5 Verifying Cassandra and Kafka against the ground truth");
        int verified =
                AdClickVerifyCommand.run(new Endpoints(), truth, input, counts, top, keyspace, new int[] {1, 5, 60}, 100);
        String dashboard = DashboardCommand.startDetached(stack, 8090, keyspace, filters);
        System.out.println();
        System.out.println("Where to look:");
        System.out.println("  Dashboard:      " + dashboard + " (top ads and clicks per minute of this run)");
        System.out.println("  Flink web UI:   " + stack.flink().webUrl());
        System.out.println("  Cassandra:      keyspace " + keyspace + " at " + stack.cassandra().contactPoint()
                + " (tables ad_click_counts, ad_country_counts, top_ads, top_ads_latest)");
        System.out.println("  Kafka topics:   " + counts + ", " + top + ", " + Topics.deadLetter(input) + ", " + Topics.late(input));
        System.out.println("  Raw archive:    " + dir.resolve("archive"));
        System.out.println("  Ground truth:   " + truth);
        System.out.println("Stop the stack with: ./tally stack down");
        return verified;
    }

    /** Waits until the named job ends and returns how it ended ("TIMED OUT" after 30 minutes). */
    static FlinkCluster.JobInfo awaitEnd(FlinkCluster flink, String jobName) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            for (FlinkCluster.JobInfo job : flink.jobs()) {
                if (job.name().equals(jobName)) {
                    if (List.of("FINISHED", "FAILED", "CANCELED").contains(job.state())) {
                        return job;
                    }
                    if (!job.state().equals(last)) {
                        System.out.println("   job " + job.state());
                        last = job.state();
                    }
                }
            }
            Thread.sleep(1000);
        }
        return new FlinkCluster.JobInfo("", jobName, "TIMED OUT", 0, 0);
    }

    /** Waits until every task of the named job runs and returns its id. */
    static String awaitRunning(FlinkCluster flink, String jobName) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            for (FlinkCluster.JobInfo job : flink.jobs()) {
                if (job.name().equals(jobName) && job.state().equals("RUNNING")) {
                    boolean allRunning = true;
                    for (com.fasterxml.jackson.databind.JsonNode vertex : flink.rest("/jobs/" + job.id()).path("vertices")) {
                        allRunning &= vertex.path("status").asText().equals("RUNNING");
                    }
                    if (allRunning) {
                        return job.id();
                    }
                }
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(jobName + " did not start running within 2 minutes");
    }

    private static void step(String text) {
        System.out.println();
        System.out.println("== " + text);
    }
}
