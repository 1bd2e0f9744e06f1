package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.cassandra.ReplayRuns;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.connectors.kafka.Topics;
import dev.tally.jobs.adclick.AdClickTables;
import dev.tally.jobs.smoke.SmokeJob;
import dev.tally.loadgen.AdClickGenerator;
import dev.tally.loadgen.GeneratorSettings;
import dev.tally.loadgen.GroundTruth;
import dev.tally.loadgen.LoadProducer;
import dev.tally.reconciliation.Reconciliation;
import dev.tally.stack.FlinkCluster;
import dev.tally.stack.LocalStack;
import dev.tally.stack.Ports;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.ServiceStatus;
import dev.tally.stack.StackException;
import dev.tally.stack.StackSettings;
import dev.tally.stack.TallyHome;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole local stack on free ports: up, jobs through the Flink CLI that leave no class loader
 * behind in the JobManager, a replay as a BATCH job of the cluster that reconciles to 0 with the live
 * run, status, down with nothing left.
 */
class LocalStackITCase {

    @TempDir
    Path dir;

    private LocalStack stack;

    @AfterEach
    void tearDown() {
        if (stack != null) {
            stack.down();
        }
    }

    @Test
    void upSubmitDown() throws Exception {
        TallyHome home = TallyHome.locate();
        // A fresh directory and ports per attempt: a port found free can be taken before a service binds it.
        stack = Ports.startOnFreshPorts(
                "the local stack",
                3,
                attempt -> new LocalStack(home, dir.resolve("attempt-" + attempt), StackSettings.onFreePorts()),
                s -> s.up(ServiceProcess.Lifetime.TIED_TO_PARENT, Topics.all(2), Duration.ofMinutes(3)),
                LocalStack::down);

        Map<String, ServiceStatus> status = stack.status();
        assertThat(status).containsOnlyKeys("kafka", "cassandra", "flink-jobmanager", "flink-taskmanager");
        assertThat(status.values()).allSatisfy(s -> assertThat(s.healthy()).isTrue());
        List<Long> pids = status.values().stream().map(ServiceStatus::pid).toList();

        try (Admin admin = stack.kafka().admin()) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics)
                    .contains("ad-clicks", "ad-clicks.dlq", "ad-clicks.late", "ad-click-counts", "ad-top-ads");
            // Input topics carry the broker's time, not a producer's clock.
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "ad-clicks");
            assertThat(admin.describeConfigs(List.of(resource))
                            .all()
                            .get()
                            .get(resource)
                            .get("message.timestamp.type")
                            .value())
                    .isEqualTo("LogAppendTime");

            // What a benchmark run creates it deletes again; a topic already gone is no error.
            stack.kafka().createTopics(Map.of("bench-a", 2, "bench-b", 1));
            assertThat(admin.listTopics().names().get()).contains("bench-a", "bench-b");
            stack.kafka().deleteTopics(List.of("bench-a", "bench-b", "never-created"));
            assertThat(admin.listTopics().names().get()).doesNotContain("bench-a", "bench-b");
        }
        try (CqlSession session = stack.cassandra().connect(Duration.ofSeconds(10))) {
            assertThat(
                            session
                                    .execute(
                                            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'tally'")
                                    .all()
                                    .stream()
                                    .map(row -> row.getString(0)))
                    .contains("ad_click_counts", "ad_country_counts", "top_ads", "top_ads_latest");
        }

        // up is idempotent: a second call finds everything running.
        stack.up(ServiceProcess.Lifetime.TIED_TO_PARENT, Topics.all(2), Duration.ofMinutes(1));
        assertThat(stack.status().values().stream().map(ServiceStatus::pid).toList())
                .isEqualTo(pids);

        int exit =
                stack.flink().submit(home.jobsJar(), SmokeJob.class.getName(), List.of("10000"), Duration.ofMinutes(2));
        assertThat(exit).isZero();
        FlinkCluster.JobInfo job = awaitJob(stack.flink(), "tally-smoke", "FINISHED");
        assertThat(job.id()).hasSize(32);

        // The ad-click job's operators hold Avro classes, which the JobManager initialises: with Avro
        // loaded per job, each finished job's class loader stayed alive (README, troubleshooting).
        // Its input: clicks on time, so the live run and the replay must agree on every row.
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
        LoadProducer.produce(
                KafkaClients.of(stack.kafka().bootstrapServers()),
                Topics.AD_CLICKS,
                new AdClickGenerator(
                        new GeneratorSettings(
                                7,
                                20_000,
                                500,
                                1.1,
                                2_000,
                                100,
                                start.toEpochMilli(),
                                Duration.ofSeconds(5),
                                0.01,
                                0.0,
                                Duration.ZERO,
                                0.001),
                        GroundTruth.totalsOnly()));
        List<String> live = List.of(
                "--bootstrap-servers",
                stack.kafka().bootstrapServers(),
                "--cassandra",
                stack.cassandra().contactPoint(),
                "--windows",
                "1,5",
                "--archive-dir",
                dir.resolve("archive").toUri().toString(),
                "--job-name",
                "ad-clicks-bounded",
                "--bounded");
        exit = SubmitCommand.submit(stack.flink(), home, "ad-clicks", live, Duration.ofMinutes(2));
        assertThat(exit).isZero();
        awaitJob(stack.flink(), "ad-clicks-bounded", "FINISHED");
        assertThat(userCodeClassLoadersAfterGc(status.get("flink-jobmanager").pid(), Duration.ofSeconds(60)))
                .as("class loaders of finished jobs alive in the JobManager")
                .isZero();

        // The replay is a BATCH job of the cluster, with the live job's own options, and agrees with it.
        Instant to = start.plus(20_000 / 100 + 60, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.MINUTES);
        List<String> replay = new java.util.ArrayList<>(
                List.of("ad-clicks", "--from", start.toString(), "--to", to.toString(), "--run-id", "it_replay"));
        replay.addAll(live);
        assertThat(ReplayCommand.replay(stack.flink(), home, List.of(), replay)).isZero();
        FlinkCluster.JobInfo replayJob = awaitJob(stack.flink(), "tally-replay-ad-clicks-replay_it_replay", "FINISHED");
        assertThat(stack.flink()
                        .rest("/jobs/" + replayJob.id())
                        .path("job-type")
                        .asText())
                .isEqualTo("BATCH");
        try (CqlSession session = stack.cassandra().connect(Duration.ofSeconds(30))) {
            Reconciliation.Report report =
                    Reconciliation.compare(session, AdClickTables.ALL, "tally", "replay_it_replay", start, to, 0, 64);
            report.print(System.out);
            assertThat(report.tables())
                    .allSatisfy(t -> assertThat(t.matched()).as(t.table()).isPositive());
            assertThat(report.difference()).isZero();

            // The run recorded itself; `replays` lists it and drops its keyspace.
            assertThat(ReplayRuns.read(session, "replay_it_replay")).hasValueSatisfying(run -> {
                assertThat(run.completed()).isTrue();
                assertThat(run.job()).isEqualTo("ad-clicks");
                assertThat(run.from()).isEqualTo(start);
                assertThat(run.replayedRecords()).isPositive();
            });
            String cassandra = stack.cassandra().contactPoint();
            assertThat(TallyCli.commandLine().execute("replays", "--cassandra", cassandra))
                    .isZero();
            assertThat(TallyCli.commandLine().execute("replays", "--cassandra", cassandra, "--drop", "it_replay"))
                    .isZero();
            assertThat(session.refreshSchema().getKeyspace("replay_it_replay")).isEmpty();
        }

        stack.down();
        for (Long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("pid " + pid)
                    .isFalse();
        }
        assertThat(stack.status().values())
                .noneSatisfy(s -> assertThat(s.running()).isTrue());
        stack.down(); // idempotent
    }

    @Test
    void aTakenPortIsAClearErrorAndStartsNothing() throws Exception {
        StackSettings settings = StackSettings.onFreePorts();
        stack = new LocalStack(TallyHome.locate(), dir, settings);
        try (ServerSocket taken = new ServerSocket(settings.cassandraPort())) {
            assertThatThrownBy(() -> stack.up(ServiceProcess.Lifetime.TIED_TO_PARENT, List.of(), Duration.ofMinutes(1)))
                    .isInstanceOf(StackException.class)
                    .hasMessageContaining("Port " + settings.cassandraPort())
                    .hasMessageContaining("Cassandra CQL");
        }
        assertThat(stack.status().values())
                .noneSatisfy(s -> assertThat(s.running()).isTrue());
    }

    /** The JobManager's user-code class loaders after a full GC, polled until none is left or time is up. */
    private static long userCodeClassLoadersAfterGc(long pid, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        long loaders;
        do {
            jcmd(pid, "GC.run");
            loaders = jcmd(pid, "VM.classloader_stats")
                    .lines()
                    .filter(l -> l.contains("ChildFirstClassLoader"))
                    .count();
            if (loaders > 0) {
                Thread.sleep(2_000);
            }
        } while (loaders > 0 && Instant.now().isBefore(deadline));
        return loaders;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("jcmd " + command + ": " + output).isZero();
        return output;
    }

    private static FlinkCluster.JobInfo awaitJob(FlinkCluster flink, String name, String state) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            for (FlinkCluster.JobInfo job : flink.jobs()) {
                if (job.name().equals(name) && job.state().equals(state)) {
                    return job;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Job " + name + " did not reach " + state + ": " + flink.jobs());
    }
}
