package dev.tally.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.NewTopic;

/** Kafka, Cassandra and a Flink session cluster on this machine, with their data under one folder. */
public final class LocalStack {

    private final Path dir;
    private final StackSettings settings;
    private final KafkaService kafka;
    private final CassandraService cassandra;
    private final FlinkCluster flink;
    private final ServiceProcess dashboard;

    public LocalStack(TallyHome home, Path dir, StackSettings settings) {
        this.dir = dir;
        this.settings = settings;
        this.kafka = new KafkaService(
                dir.resolve("kafka"),
                settings.kafkaPort(),
                settings.kafkaControllerPort(),
                home.runtimeClasspath("kafka"));
        this.cassandra = new CassandraService(
                dir.resolve("cassandra"),
                settings.cassandraPort(),
                settings.cassandraStoragePort(),
                settings.cassandraJmxPort(),
                settings.cassandraHeap(),
                home.runtimeClasspath("cassandra"));
        this.flink = new FlinkCluster(
                dir.resolve("flink"),
                home.flinkConfTemplate(),
                settings.flinkRestPort(),
                settings.flinkRpcPort(),
                home.runtimeClasspath("flink"));
        this.dashboard = new ServiceProcess("dashboard", dir.resolve("dashboard"));
    }

    /** The stack recorded in the default folder of this checkout (or a fresh one with default ports). */
    public static LocalStack ofCheckout(TallyHome home) {
        Path dir = home.stackDir();
        return new LocalStack(home, dir, StackSettings.readOrDefault(dir));
    }

    public StackSettings settings() {
        return settings;
    }

    public Path dir() {
        return dir;
    }

    public KafkaService kafka() {
        return kafka;
    }

    public CassandraService cassandra() {
        return cassandra;
    }

    public FlinkCluster flink() {
        return flink;
    }

    /** The query service's process, when the CLI started it in the background. */
    public ServiceProcess dashboard() {
        return dashboard;
    }

    /** Records the port the detached dashboard listens on, for {@link #status}. */
    public void recordDashboardPort(int port) {
        try {
            Files.createDirectories(dashboardPortFile().getParent());
            Files.writeString(dashboardPortFile(), Integer.toString(port));
        } catch (IOException e) {
            throw new StackException("Cannot write " + dashboardPortFile() + ": " + e.getMessage(), e);
        }
    }

    /** The detached dashboard's port: the one it was started on, 8090 if unknown. */
    public int dashboardPort() {
        try {
            return Integer.parseInt(Files.readString(dashboardPortFile()).trim());
        } catch (IOException | NumberFormatException e) {
            return 8090;
        }
    }

    private Path dashboardPortFile() {
        return dir.resolve("dashboard").resolve("port");
    }

    /**
     * Starts every service that is not running, waits until all are healthy, then creates the topics and
     * the keyspace with its tables. Idempotent.
     */
    public void up(ServiceProcess.Lifetime lifetime, Collection<NewTopic> topics, Duration timeout) {
        // Check every port first, so a taken port fails the command before anything is started.
        kafka.checkPorts();
        cassandra.checkPorts();
        flink.checkPorts();
        settings.write(dir);
        kafka.launch(lifetime);
        cassandra.launch(lifetime);
        flink.launch(lifetime);
        // The three start in parallel; waiting in parallel means the slowest (Cassandra) sets the pace.
        await(
                CompletableFuture.runAsync(() -> kafka.awaitHealthy(timeout)),
                CompletableFuture.runAsync(() -> cassandra.awaitHealthy(timeout)),
                CompletableFuture.runAsync(() -> flink.awaitHealthy(timeout)));
        kafka.createTopics(topics);
        cassandra.applySchema(settings.keyspace());
    }

    /** Stops every service; leaves no process behind. Idempotent. */
    public void down() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Runnable stop : List.<Runnable>of(
                () -> dashboard.stop(Duration.ofSeconds(10)), flink::stop, kafka::stop, cassandra::stop)) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /** Each service's process and health, in start order. */
    public Map<String, ServiceStatus> status() {
        Map<String, ServiceStatus> status = new LinkedHashMap<>();
        status.put(
                "kafka",
                ServiceStatus.of(
                        kafka.process(),
                        kafka::isHealthy,
                        kafka.bootstrapServers(),
                        kafka.process().logFile()));
        status.put(
                "cassandra",
                ServiceStatus.of(
                        cassandra.process(),
                        cassandra::isHealthy,
                        cassandra.contactPoint(),
                        cassandra.process().logFile()));
        for (ServiceProcess process : flink.processes()) {
            status.put(
                    "flink-" + process.name(),
                    ServiceStatus.of(process, flink::isHealthy, flink.webUrl(), process.logFile()));
        }
        if (dashboard.running().isPresent()) {
            int port = dashboardPort();
            status.put(
                    "dashboard",
                    ServiceStatus.of(
                            dashboard,
                            () -> Ports.isListening(port),
                            "http://127.0.0.1:" + port + "/",
                            dashboard.logFile()));
        }
        return status;
    }

    private static void await(CompletableFuture<?>... futures) {
        try {
            CompletableFuture.allOf(futures).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
