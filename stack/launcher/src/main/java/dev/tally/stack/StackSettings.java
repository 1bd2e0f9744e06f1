package dev.tally.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Ports and sizes of a local stack. {@code stack up} records them in {@code <dir>/stack.properties} so
 * later commands (status, submit, down) talk to the same processes.
 */
public record StackSettings(
        int kafkaPort,
        int kafkaControllerPort,
        int cassandraPort,
        int cassandraStoragePort,
        int cassandraJmxPort,
        String cassandraHeap,
        int flinkRestPort,
        int flinkRpcPort,
        String keyspace) {

    public static StackSettings defaults() {
        return new StackSettings(9092, 9093, 9042, 7000, 7199, "1g", 8081, 6123, "tally");
    }

    /** Free ports picked by the OS, for a stack started by tests beside a running one. */
    public static StackSettings onFreePorts() {
        return new StackSettings(
                Ports.findFree(),
                Ports.findFree(),
                Ports.findFree(),
                Ports.findFree(),
                Ports.findFree(),
                "1g",
                Ports.findFree(),
                Ports.findFree(),
                "tally");
    }

    public static StackSettings readOrDefault(Path dir) {
        Path file = dir.resolve("stack.properties");
        if (!Files.isRegularFile(file)) {
            return defaults();
        }
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StackSettings d = defaults();
        return new StackSettings(
                intOf(p, "kafka.port", d.kafkaPort),
                intOf(p, "kafka.controller.port", d.kafkaControllerPort),
                intOf(p, "cassandra.port", d.cassandraPort),
                intOf(p, "cassandra.storage.port", d.cassandraStoragePort),
                intOf(p, "cassandra.jmx.port", d.cassandraJmxPort),
                p.getProperty("cassandra.heap", d.cassandraHeap),
                intOf(p, "flink.rest.port", d.flinkRestPort),
                intOf(p, "flink.rpc.port", d.flinkRpcPort),
                p.getProperty("cassandra.keyspace", d.keyspace));
    }

    public void write(Path dir) {
        Properties p = new Properties();
        p.setProperty("kafka.port", Integer.toString(kafkaPort));
        p.setProperty("kafka.controller.port", Integer.toString(kafkaControllerPort));
        p.setProperty("cassandra.port", Integer.toString(cassandraPort));
        p.setProperty("cassandra.storage.port", Integer.toString(cassandraStoragePort));
        p.setProperty("cassandra.jmx.port", Integer.toString(cassandraJmxPort));
        p.setProperty("cassandra.heap", cassandraHeap);
        p.setProperty("flink.rest.port", Integer.toString(flinkRestPort));
        p.setProperty("flink.rpc.port", Integer.toString(flinkRpcPort));
        p.setProperty("cassandra.keyspace", keyspace);
        try {
            Files.createDirectories(dir);
            try (Writer writer = Files.newBufferedWriter(dir.resolve("stack.properties"))) {
                p.store(writer, "Local stack settings, written by 'tally stack up'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int intOf(Properties p, String key, int fallback) {
        String value = p.getProperty(key);
        return value == null ? fallback : Integer.parseInt(value.trim());
    }
}
