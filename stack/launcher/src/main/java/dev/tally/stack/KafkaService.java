package dev.tally.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** A single-node Kafka broker in KRaft combined mode (broker + controller) as a local JVM. */
public final class KafkaService implements LocalService {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final String classpath;
    private final ServiceProcess process;

    public KafkaService(Path dir, int port, int controllerPort, String classpath) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.classpath = classpath;
        this.process = new ServiceProcess("kafka", dir);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public ServiceProcess process() {
        return process;
    }

    /** Starts the broker unless it already runs; returns without waiting for it to serve. */
    @Override
    public void launch(ServiceProcess.Lifetime lifetime) {
        if (process.running().isPresent()) {
            return;
        }
        checkPorts();
        Path config = writeConfig();
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            format(config);
        }
        process.start(
                new JvmCommand(
                        List.of(
                                "-Xms1g",
                                "-Xmx1g",
                                "-XX:+UseG1GC",
                                "-Djava.awt.headless=true",
                                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties")),
                        classpath,
                        "kafka.Kafka",
                        List.of(config.toString()),
                        Map.of()),
                lifetime);
    }

    /** Fails with a clear message if the broker is not running and one of its ports is taken. */
    public void checkPorts() {
        if (process.running().isEmpty()) {
            Ports.requireFree(port, "Kafka");
            Ports.requireFree(controllerPort, "Kafka controller");
        }
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        process.awaitHealthy(this::isHealthy, timeout);
    }

    /** Healthy when the broker answers a metadata request. */
    public boolean isHealthy() {
        if (!Ports.isListening(port)) {
            return false;
        }
        try (Admin admin = admin()) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /** Creates the topics that do not exist yet, with the broker's default configuration. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        List<NewTopic> topics = new ArrayList<>();
        partitionsByTopic.forEach((name, partitions) -> topics.add(new NewTopic(name, partitions, (short) 1)));
        createTopics(topics);
    }

    /**
     * Creates the topics that do not exist yet, and sets each one's configuration on those that
     * existed before (an installation from before a setting was introduced gets it too).
     */
    public void createTopics(Collection<NewTopic> topics) {
        onEachTopic("create", admin -> admin.createTopics(topics).values(), TopicExistsException.class);
        Map<ConfigResource, Collection<AlterConfigOp>> settings = new HashMap<>();
        for (NewTopic topic : topics) {
            if (topic.configs() != null && !topic.configs().isEmpty()) {
                settings.put(
                        new ConfigResource(ConfigResource.Type.TOPIC, topic.name()),
                        topic.configs().entrySet().stream()
                                .map(e -> new AlterConfigOp(
                                        new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                                .toList());
            }
        }
        if (!settings.isEmpty()) {
            try (Admin admin = admin()) {
                admin.incrementalAlterConfigs(settings).all().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new StackException("Could not set the topics' configuration " + settings.keySet(), e);
            }
        }
    }

    /** Deletes the topics that exist; a missing one is not an error. */
    public void deleteTopics(Collection<String> topics) {
        onEachTopic(
                "delete",
                admin -> admin.deleteTopics(topics).topicNameValues(),
                UnknownTopicOrPartitionException.class);
    }

    /** Runs one admin request per topic and waits for each; {@code expected} means it was done already. */
    private void onEachTopic(
            String verb, Function<Admin, Map<String, KafkaFuture<Void>>> request, Class<? extends Exception> expected) {
        try (Admin admin = admin()) {
            for (var entry : request.apply(admin).entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!expected.isInstance(e.getCause())) {
                        throw new StackException("Could not " + verb + " topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (StackException e) {
            throw e;
        } catch (Exception e) {
            throw new StackException("Could not " + verb + " topics: " + e.getMessage(), e);
        }
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(props);
    }

    @Override
    public void stop() {
        process.stop(Duration.ofSeconds(20));
    }

    private Path writeConfig() {
        Path data = dir.resolve("data");
        String properties = String.join(
                        "\n",
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                        "controller.listener.names=CONTROLLER",
                        "inter.broker.listener.name=PLAINTEXT",
                        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "log.dirs=" + data,
                        "num.partitions=4",
                        "auto.create.topics.enable=false",
                        "offsets.topic.replication.factor=1",
                        "offsets.topic.num.partitions=4",
                        "transaction.state.log.replication.factor=1",
                        "transaction.state.log.min.isr=1",
                        "transaction.state.log.num.partitions=4",
                        "share.coordinator.state.topic.replication.factor=1",
                        "share.coordinator.state.topic.min.isr=1",
                        // The Flink Kafka sink's transaction timeout must stay below this (15 min).
                        "transaction.max.timeout.ms=900000",
                        "group.initial.rebalance.delay.ms=0",
                        "log.retention.hours=168",
                        "")
                + "\n";
        String log4j = String.join(
                "\n",
                "rootLogger.level=WARN",
                "rootLogger.appenderRef.stdout.ref=STDOUT",
                "appender.stdout.type=Console",
                "appender.stdout.name=STDOUT",
                "appender.stdout.layout.type=PatternLayout",
                "appender.stdout.layout.pattern=[%d] %p %m (%c)%n",
                "logger.kafka.name=kafka.server.KafkaRaftServer",
                "logger.kafka.level=INFO",
                "");
        try {
            Files.createDirectories(data);
            Files.writeString(dir.resolve("log4j2.properties"), log4j);
            Path config = dir.resolve("server.properties");
            Files.writeString(config, properties);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void format(Path config) {
        ServiceProcess formatter = new ServiceProcess("kafka-format", dir);
        ProcessHandle handle = formatter.start(
                new JvmCommand(
                        List.of("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties")),
                        classpath,
                        "kafka.tools.StorageTool",
                        List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                        Map.of()),
                ServiceProcess.Lifetime.TIED_TO_PARENT);
        try {
            handle.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new StackException("Formatting Kafka storage did not finish:\n" + formatter.logTail(20), e);
        }
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            throw new StackException("Formatting Kafka storage failed:\n" + formatter.logTail(20));
        }
    }
}
