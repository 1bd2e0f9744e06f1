package dev.tally.cli;

import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.jobs.kit.TallyJobs;
import dev.tally.loadgen.kit.Endpoints;
import dev.tally.loadgen.kit.JobDemo;
import dev.tally.loadgen.kit.JobTools;
import dev.tally.loadgen.kit.JobToolsRegistry;
import dev.tally.stack.FlinkCluster;
import dev.tally.stack.LocalStack;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.TallyHome;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tally demo [<job>]}: a job end to end on the local stack, checked against its expected results. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run a job end to end (the ad-click job when none is named): start the local stack, create this run's",
            "topics and keyspace, generate input (with duplicates, late and malformed records) and its expected",
            "results, submit the job through the Flink CLI, wait for it to finish the input, verify every result",
            "exactly, and start the dashboard on this run's keyspace. The stack keeps running; stop it with",
            "'tally stack down'."
        })
final class DemoCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "<job>",
            completionCandidates = DemoCommand.JobsWithDemo.class,
            description = "The job: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String job = AdClickJob.NAME;

    /** The jobs whose tools have a demo, for the help. */
    static final class JobsWithDemo implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return JobToolsRegistry.all().stream().map(JobTools::job).iterator();
        }
    }

    @Option(names = "--events", description = "Records to generate (default: the job's demo size).")
    Long events;

    @Override
    public Integer call() throws Exception {
        JobDemo demo = JobToolsRegistry.of(job).demo();
        TallyJob<?, ?, ?> tallyJob = TallyJobs.byName(job);
        TallyHome home = TallyHome.locate();
        String id = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
        LocalStack stack = LocalStack.ofCheckout(home);
        step("1/5 Starting the local stack (Kafka, Cassandra, Flink)");
        stack.up(ServiceProcess.Lifetime.DETACHED, Topics.all(4), Duration.ofMinutes(3));

        JobDemo.Run run = new JobDemo.Run(
                id,
                Files.createDirectories(home.stackDir().resolve("demo").resolve(id)),
                Endpoints.of(stack.kafka().bootstrapServers(), stack.cassandra().contactPoint()),
                "demo_" + id,
                events != null ? events : demo.defaultEvents());
        Map<String, Integer> topics = new TreeMap<>(demo.topics(run));
        // An input topic (one with a dead-letter topic) is stamped with the broker's time, as the stack's are.
        stack.kafka()
                .createTopics(topics.entrySet().stream()
                        .map(t -> {
                            NewTopic topic = new NewTopic(t.getKey(), t.getValue(), (short) 1);
                            return topics.containsKey(Topics.deadLetter(t.getKey()))
                                    ? topic.configs(Topics.INPUT_CONFIG)
                                    : topic;
                        })
                        .toList());
        stack.cassandra().applySchema(run.keyspace());
        System.out.println(
                "   run " + id + ": topics " + String.join(", ", topics.keySet()) + "; keyspace " + run.keyspace());

        step("2/5 Generating " + String.format("%,d", run.events()) + " records with their expected results");
        demo.generate(run);
        for (List<String> command : demo.setupCommands(run)) {
            List<String> line = new ArrayList<>(command);
            line.addAll(List.of("--cassandra", stack.cassandra().contactPoint()));
            System.out.println("   ./tally " + String.join(" ", line));
            int exit = TallyCli.commandLine().execute(line.toArray(String[]::new));
            if (exit != 0) {
                return exit;
            }
        }

        step("3/5 Submitting the " + job + " job with the Flink CLI");
        String jobName = "tally-" + job + "-demo-" + id;
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                stack.kafka().bootstrapServers(),
                "--cassandra",
                stack.cassandra().contactPoint(),
                "--keyspace",
                run.keyspace(),
                "--archive-dir",
                run.dir().resolve("archive").toUri().toString(),
                "--transactional-id-prefix",
                jobName,
                "--group-id",
                jobName,
                "--job-name",
                jobName,
                "--bounded"));
        args.addAll(demo.jobArguments(run));
        int submitted = SubmitCommand.submit(stack.flink(), home, tallyJob.name(), args, Duration.ofMinutes(2));
        if (submitted != 0) {
            return submitted;
        }

        step("4/5 Waiting for the job to process the input (watch it at "
                + stack.flink().webUrl() + ")");
        String state = awaitEnd(stack.flink(), jobName).state();
        System.out.println("   job " + state);
        if (!state.equals("FINISHED")) {
            System.err.println(
                    "The job ended " + state + "; see " + stack.flink().webUrl() + " and .tally/flink/*.log");
            return 1;
        }

        step("5/5 Verifying Cassandra, Kafka and the dashboard's API against the expected results");
        String dashboard = DashboardCommand.startDetached(stack, 8090, run.keyspace(), demo.dashboardArguments(run));
        int verified = demo.verify(run, URI.create(dashboard));
        System.out.println();
        System.out.println("Where to look:");
        System.out.println("  Dashboard:        " + dashboard);
        System.out.println("  Flink web UI:     " + stack.flink().webUrl());
        System.out.println("  Cassandra:        keyspace " + run.keyspace() + " at "
                + stack.cassandra().contactPoint());
        for (String line : demo.whereToLook(run)) {
            System.out.println("  " + line);
        }
        System.out.println("  Raw archive:      " + run.dir().resolve("archive"));
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
                    for (com.fasterxml.jackson.databind.JsonNode vertex :
                            flink.rest("/jobs/" + job.id()).path("vertices")) {
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
