package dev.tally.connectors.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.connectors.cassandra.CassandraConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {

    @TempDir
    Path dir;

    @Test
    void kafkaPropertiesGoToEveryClientAndCredentialsToCassandra() throws IOException {
        Path file = ownerOnly("""
                kafka.security.protocol=SASL_SSL
                kafka.sasl.mechanism=PLAIN
                kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="kafka-secret";
                cassandra.username=tally
                cassandra.password=cassandra-secret
                """);

        ClientConfig config = ClientConfig.load(file);

        Properties props = config.kafka("broker-1:9093,broker-2:9093").clientProperties();
        assertThat(props)
                .containsEntry("bootstrap.servers", "broker-1:9093,broker-2:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsKey("sasl.jaas.config")
                .hasSize(4);
        CassandraConnection connection = config.applyTo(
                        CassandraConnection.builder().contactPoints("db-1:9042"))
                .build();
        assertThat(connection.username()).contains("tally");
    }

    @Test
    void noFileIsTheLocalStack() {
        ClientConfig config = ClientConfig.load(null);

        assertThat(config.kafka("127.0.0.1:9092").clientProperties()).containsOnlyKeys("bootstrap.servers");
        assertThat(config.applyTo(CassandraConnection.builder().contactPoints("127.0.0.1:9042"))
                        .build()
                        .username())
                .isEmpty();
    }

    @Test
    void secretsNeverShowInToString() throws IOException {
        ClientConfig config = ClientConfig.load(ownerOnly("kafka.sasl.jaas.config=password=\"kafka-secret\"\n"
                + "cassandra.username=tally\ncassandra.password=cassandra-secret\n"));

        assertThat(config.toString()).doesNotContain("secret").contains("sasl.jaas.config");
        assertThat(config.kafka("b:9092").toString()).doesNotContain("secret").contains("b:9092");
    }

    @Test
    void aFileOthersMayReadIsRefused() throws IOException {
        Path file =
                Files.writeString(dir.resolve("client.properties"), "cassandra.username=tally\ncassandra.password=x\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> ClientConfig.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("others may read it: chmod 600");
    }

    @Test
    void unknownKeysHalfCredentialsAndBrokersAreRefused() throws IOException {
        assertThatThrownBy(() -> ClientConfig.load(ownerOnly("security.protocol=SSL\n")))
                .hasMessageContaining("Unknown key 'security.protocol'");
        assertThatThrownBy(() -> ClientConfig.load(ownerOnly("cassandra.username=tally\n")))
                .hasMessageContaining("give both or neither");
        assertThatThrownBy(() -> ClientConfig.load(ownerOnly("kafka.bootstrap.servers=elsewhere:9092\n")))
                .hasMessageContaining("--bootstrap-servers");
    }

    private Path ownerOnly(String text) throws IOException {
        Path file = Files.createTempFile(dir, "client", ".properties");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
