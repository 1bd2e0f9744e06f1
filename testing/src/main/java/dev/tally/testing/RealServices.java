package dev.tally.testing;

import dev.tally.stack.CassandraService;
import dev.tally.stack.KafkaService;
import dev.tally.stack.LocalService;
import dev.tally.stack.Ports;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.StackException;
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
 * <p>Ports are chosen just before each launch, and a launch that fails is retried on new ports:
 * another process (often a client of the service started first, on an ephemeral port) can take a
 * port between the moment it is found free and the moment the service binds it.
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
            Path dir = Paths.get("target", "real-services-" + ProcessHandle.current().pid()).toAbsolutePath();
            deleteRecursively(dir);
            instance = new RealServices(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "tally-real-services-stop"));
        }
        return instance;
    }

    synchronized TestKafka kafka() {
        if (testKafka == null) {
            kafka =
                    launchOnFreshPorts(
                            "Kafka",
                            attempt ->
                                    new KafkaService(
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
            cassandra =
                    launchOnFreshPorts(
                            "Cassandra",
                            attempt ->
                                    new CassandraService(
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
        StackException failure = null;
        for (int attempt = 1; attempt <= LAUNCH_ATTEMPTS; attempt++) {
            // A fresh directory too, so nothing of a half-started attempt is reused.
            S service = onNewPorts.apply(attempt);
            try {
                service.launch(ServiceProcess.Lifetime.TIED_TO_PARENT);
                service.awaitHealthy(START_TIMEOUT);
                return service;
            } catch (StackException e) {
                service.stop();
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
                System.err.println(name + " failed to start (attempt " + attempt + " of " + LAUNCH_ATTEMPTS
                        + "), trying new ports: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        throw failure;
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
