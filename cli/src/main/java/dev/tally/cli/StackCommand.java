package dev.tally.cli;

import dev.tally.connectors.kafka.Topics;
import dev.tally.stack.LocalStack;
import dev.tally.stack.ServiceProcess;
import dev.tally.stack.ServiceStatus;
import dev.tally.stack.StackSettings;
import dev.tally.stack.TallyHome;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally stack up | down | status}: the local Kafka, Cassandra and Flink processes. */
@Command(
        name = "stack",
        mixinStandardHelpOptions = true,
        description = "Run Kafka (KRaft), Cassandra 5 and a Flink 2.2 session cluster as local processes.",
        subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
final class StackCommand {

    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = {
                "Start every service that is not running, wait until each is healthy, then create the topics",
                "and the Cassandra keyspace and tables. Data and logs go to .tally/ in the checkout."
            })
    static final class Up implements Callable<Integer> {
        @Option(names = "--kafka-port", description = "Kafka listener port (default: ${DEFAULT-VALUE}).")
        int kafkaPort = StackSettings.defaults().kafkaPort();

        @Option(names = "--cassandra-port", description = "Cassandra CQL port (default: ${DEFAULT-VALUE}).")
        int cassandraPort = StackSettings.defaults().cassandraPort();

        @Option(names = "--flink-port", description = "Flink REST and web UI port (default: ${DEFAULT-VALUE}).")
        int flinkPort = StackSettings.defaults().flinkRestPort();

        @Option(names = "--partitions", description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
        int partitions = 4;

        @Option(names = "--timeout", description = "Seconds to wait for the services (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds = 180;

        @Override
        public Integer call() {
            TallyHome home = TallyHome.locate();
            StackSettings recorded = StackSettings.readOrDefault(home.stackDir());
            StackSettings d = StackSettings.defaults();
            StackSettings settings = new StackSettings(
                    kafkaPort,
                    kafkaPort == d.kafkaPort() ? recorded.kafkaControllerPort() : kafkaPort + 1,
                    cassandraPort,
                    recorded.cassandraStoragePort(),
                    recorded.cassandraJmxPort(),
                    recorded.cassandraHeap(),
                    flinkPort,
                    recorded.flinkRpcPort(),
                    recorded.keyspace());
            LocalStack stack = new LocalStack(home, home.stackDir(), settings);
            long start = System.nanoTime();
            System.out.println("Starting Kafka, Cassandra and Flink (data and logs in " + stack.dir() + ") ...");
            stack.up(ServiceProcess.Lifetime.DETACHED, Topics.all(partitions), Duration.ofSeconds(timeoutSeconds));
            System.out.printf("Stack is up in %.1f s.%n", (System.nanoTime() - start) / 1e9);
            Status.print(stack);
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop every service of the local stack.")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() {
            LocalStack stack = LocalStack.ofCheckout(TallyHome.locate());
            stack.down();
            System.out.println("Stack is down.");
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Show each service's process, health, address and log; exit 1 unless all are healthy.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            return print(LocalStack.ofCheckout(TallyHome.locate())) ? 0 : 1;
        }

        static boolean print(LocalStack stack) {
            boolean allHealthy = true;
            System.out.printf("%-22s %-9s %-9s %-26s %s%n", "SERVICE", "PID", "STATE", "ADDRESS", "LOG");
            for (Map.Entry<String, ServiceStatus> entry : stack.status().entrySet()) {
                ServiceStatus s = entry.getValue();
                String state = !s.running() ? "stopped" : s.healthy() ? "healthy" : "starting";
                allHealthy &= s.healthy();
                System.out.printf(
                        "%-22s %-9s %-9s %-26s %s%n",
                        entry.getKey(), s.running() ? s.pid() : "-", state, s.endpoint(), s.log());
            }
            System.out.println("Flink web UI: " + stack.flink().webUrl());
            return allHealthy;
        }
    }
}
