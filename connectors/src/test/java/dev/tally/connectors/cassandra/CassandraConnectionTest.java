package dev.tally.connectors.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CassandraConnectionTest {

    @Test
    void defaultsToDatacenter1AndLocalQuorum() {
        CassandraConnection connection =
                CassandraConnection.builder().contactPoints("127.0.0.1:9042").build();

        assertThat(connection.contactPoints()).containsExactly("127.0.0.1:9042");
        assertThat(connection.localDatacenter()).isEqualTo("datacenter1");
        assertThat(connection.keyspace()).isEmpty();
        assertThat(connection.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(connection.consistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_QUORUM);
        assertThat(connection.username()).isEmpty();
    }

    @Test
    void keepsEverySetting() {
        CassandraConnection connection = CassandraConnection.builder()
                .contactPoints("cass-1:9042", " cass-2:9043 ")
                .localDatacenter("eu-west")
                .keyspace("tally")
                .requestTimeout(Duration.ofSeconds(3))
                .consistency("local_one")
                .credentials("tally", "secret")
                .build();

        assertThat(connection.contactPoints()).containsExactly("cass-1:9042", "cass-2:9043");
        assertThat(connection.localDatacenter()).isEqualTo("eu-west");
        assertThat(connection.keyspace()).contains("tally");
        assertThat(connection.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(connection.consistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_ONE);
        assertThat(connection.username()).contains("tally");
    }

    @Test
    void toStringNeverShowsThePassword() {
        CassandraConnection connection = CassandraConnection.builder()
                .contactPoints("127.0.0.1:9042")
                .credentials("tally", "hunter2")
                .build();

        assertThat(connection.toString()).contains("tally").doesNotContain("hunter2");
    }

    @Test
    void parsesHostPortWithoutResolving() {
        InetSocketAddress address = CassandraConnection.parseContactPoint("cassandra.invalid:9042");
        InetSocketAddress ipv6 = CassandraConnection.parseContactPoint("[::1]:9142");

        assertThat(address.isUnresolved()).isTrue();
        assertThat(address.getHostString()).isEqualTo("cassandra.invalid");
        assertThat(address.getPort()).isEqualTo(9042);
        assertThat(ipv6.getHostString()).isEqualTo("::1");
        assertThat(ipv6.getPort()).isEqualTo(9142);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:", ":9042", "localhost:port", "h:0", "h:70000", "::1:9042"})
    void rejectsMalformedContactPoints(String contactPoint) {
        assertThatThrownBy(() -> CassandraConnection.builder().contactPoints(contactPoint))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsInvalidSettings() {
        CassandraConnection.Builder builder = CassandraConnection.builder();

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> builder.consistency("MOSTLY")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.consistency("LOCAL_SERIAL")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.keyspace(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.localDatacenter("")).isInstanceOf(IllegalArgumentException.class);
    }
}
