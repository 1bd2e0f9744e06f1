package dev.tally.testing;

import dev.tally.stack.CassandraService;
import dev.tally.stack.KafkaService;
import dev.tally.stack.LocalService;
import dev.tally.stack.Ports;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.TallyHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * The real Kafka and Cassandra processes of one test JVM, started on first use on free ports and
 * stopped when the run ends: by JUnit at the end of the run, by a shutdown hook when the JVM is
 * interrupted, and by their own watchdog if this JVM is killed outright.
 *
 * <p>Ports are chosen just before each launch, and a launch that fails is retried on new ports
 * ({@link Ports#startOnFreshPorts}).
 */
final class RealServices {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final int LAUNCH_ATTEMPTS = 3;
    private static RealServices instance;

    private final Path dir;
    private final TallyHome home = TallyHome.locate();
    private KafkaService kafka;
    private CassandraService cassandra;
    private TestKafka testKafka;
    private TestCassandra testCassandra;

    private RealServices(Path dir) {
        this.dir = dir;
    }

    static synchronized RealServices get() {
        if (instance == null) {
            Path dir = Paths.get(
                            "target", "real-services-" + ProcessHandle.current().pid())
                    .toAbsolutePath();
            deleteRecursively(dir);
            instance = new RealServices(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "tally-real-services-stop"));
        }
        return instance;
    }

    synchronized TestKafka kafka() {
        if (testKafka == null) {
            kafka = launchOnFreshPorts(
                    "Kafka",
                    attempt -> new KafkaService(
                            dir.resolve("kafka-" + attempt),
                            Ports.findFree(),
                            Ports.findFree(),
                            home.runtimeClasspath("kafka")));
            testKafka = new TestKafka(kafka);
        }
        return testKafka;
    }

    synchronized TestCassandra cassandra() {
        if (testCassandra == null) {
            cassandra = launchOnFreshPorts(
                    "Cassandra",
                    attempt -> new CassandraService(
                            dir.resolve("cassandra-" + attempt),
                            Ports.findFree(),
                            Ports.findFree(),
                            Ports.findFree(),
                            "1g",
                            home.runtimeClasspath("cassandra")));
            testCassandra = new TestCassandra(cassandra);
        }
        return testCassandra;
    }

    private static <S extends LocalService> S launchOnFreshPorts(String name, IntFunction<S> onNewPorts) {
        // A fresh directory per attempt too (onNewPorts), so nothing of a half-started attempt is reused.
        return Ports.startOnFreshPorts(
                name,
                LAUNCH_ATTEMPTS,
                onNewPorts,
                service -> {
                    service.launch(ServiceProcess.Lifetime.TIED_TO_PARENT);
                    service.awaitHealthy(START_TIMEOUT);
                },
                LocalService::stop);
    }

    synchronized void stop() {
        if (testCassandra != null) {
            testCassandra.close();
        }
        if (cassandra != null) {
            cassandra.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        testKafka = null;
        testCassandra = null;
        kafka = null;
        cassandra = null;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
