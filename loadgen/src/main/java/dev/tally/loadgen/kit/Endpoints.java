package dev.tally.loadgen.kit;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.client.ClientConfig;
import dev.tally.connectors.client.KafkaClients;
import dev.tally.stack.LocalStack;
import dev.tally.stack.TallyHome;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a tool finds Kafka and Cassandra: any cluster, the local stack's by default. A picocli mixin
 * of the tools' commands.
 */
public final class Endpoints {

    @Option(names = "--bootstrap-servers", description = "Kafka brokers (default: the local stack's).")
    String bootstrapServers;

    @Option(
            names = "--cassandra",
            description = "Cassandra contact points host:port[,host:port...] (default: the local stack's).")
    String cassandra;

    @Option(names = "--cassandra-dc", description = "Cassandra local datacenter (default: ${DEFAULT-VALUE}).")
    String cassandraDatacenter = CassandraConnection.DEFAULT_LOCAL_DATACENTER;

    @Option(
            names = "--client-config",
            description = "Properties file of Kafka client properties (kafka.<property>) and Cassandra credentials"
                    + " (cassandra.username, cassandra.password), readable by its owner only.")
    Path clientConfigFile;

    private ClientConfig clientConfig;

    /** Options not given: the local stack's. */
    public Endpoints() {}

    /** These Kafka brokers and Cassandra contact points, in the default datacenter. */
    public static Endpoints of(String bootstrapServers, String cassandra) {
        Endpoints endpoints = new Endpoints();
        endpoints.bootstrapServers = bootstrapServers;
        endpoints.cassandra = cassandra;
        return endpoints;
    }

    public String bootstrapServers() {
        return bootstrapServers != null
                ? bootstrapServers
                : localStack().kafka().bootstrapServers();
    }

    /** The brokers with the client config's Kafka properties. */
    public KafkaClients kafka() {
        return clientConfig().kafka(bootstrapServers());
    }

    /** The client config file's properties and credentials; none without the option. */
    public ClientConfig clientConfig() {
        if (clientConfig == null) {
            clientConfig = ClientConfig.load(clientConfigFile);
        }
        return clientConfig;
    }

    public String cassandra() {
        return cassandra != null ? cassandra : localStack().cassandra().contactPoint();
    }

    /** A session without a keyspace; the caller closes it. */
    public CqlSession cassandraSession(String name) {
        return clientConfig()
                .applyTo(CassandraConnection.builder()
                        .contactPoints(cassandra().split(","))
                        .localDatacenter(cassandraDatacenter))
                .build()
                .open(name);
    }

    private static LocalStack localStack() {
        return LocalStack.ofCheckout(TallyHome.locate());
    }
}
