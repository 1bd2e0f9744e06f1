package dev.tally.connectors.client;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Where and how a Kafka client connects: the brokers, and the client properties of a {@link ClientConfig}
 * (security protocol, SASL, TLS). Every Kafka client of the tools is made from one.
 */
public record KafkaClients(String bootstrapServers, Map<String, String> properties) implements Serializable {

    public KafkaClients {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        properties = Map.copyOf(properties);
    }

    /** These brokers, no other properties (the local stack). */
    public static KafkaClients of(String bootstrapServers) {
        return new KafkaClients(bootstrapServers, Map.of());
    }

    /**
     * A client's properties: the config's, then the brokers. The caller puts its own settings after,
     * so the guarantees it relies on (isolation level, idempotence, serializers) cannot be overridden.
     */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(properties);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    @Override
    public String toString() {
        // The values may hold secrets (sasl.jaas.config).
        return "KafkaClients{" + bootstrapServers + ", properties=" + properties.keySet() + "}";
    }
}
