package dev.tally.connectors.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class CassandraSinkTest {

    private static final CassandraConnection CONNECTION = CassandraConnection.builder()
            .contactPoints("127.0.0.1:9042")
            .keyspace("tally")
            .build();
    private static final CassandraUpsert<String> UPSERT =
            CassandraUpsert.of("INSERT INTO t (k) VALUES (?)", (record, row) -> row.setString(0, record));

    @Test
    void defaultsTo256InFlightAnd5RetriesWithExponentialBackoff() {
        CassandraSink<String> sink = CassandraSink.<String>builder()
                .connection(CONNECTION)
                .upsert(UPSERT)
                .build();

        assertThat(sink.maxInFlightRequests()).isEqualTo(256);
        assertThat(sink.batching())
                .isEqualTo(new CassandraSink.Batching(
                        CassandraSink.BatchMode.PARTITION_KEY, 32, 4096, 1024, Duration.ofMillis(50)));
        assertThat(sink.retry()).isEqualTo(new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(5)));
    }

    @Test
    void keepsEverySetting() {
        CassandraSink<String> sink = CassandraSink.<String>builder()
                .connection(CONNECTION)
                .upsert(UPSERT)
                .maxInFlightRequests(16)
                .batching(CassandraSink.Batching.of(CassandraSink.BatchMode.REPLICA_SET))
                .maxRetries(0)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(80))
                .build();

        assertThat(sink.connection()).isSameAs(CONNECTION);
        assertThat(sink.upsert()).isSameAs(UPSERT);
        assertThat(sink.maxInFlightRequests()).isEqualTo(16);
        assertThat(sink.batching().mode()).isEqualTo(CassandraSink.BatchMode.REPLICA_SET);
        assertThat(sink.batching().maxStatements()).isEqualTo(10);
        assertThat(sink.retry()).isEqualTo(new RetrySettings(0, Duration.ofMillis(10), Duration.ofMillis(80)));
    }

    @Test
    void requiresAConnectionAndAnUpsert() {
        assertThatThrownBy(() -> CassandraSink.<String>builder().upsert(UPSERT).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("connection");
        assertThatThrownBy(() ->
                        CassandraSink.<String>builder().connection(CONNECTION).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("upsert");
    }

    @Test
    void rejectsInvalidLimits() {
        CassandraSink.Builder<String> builder = CassandraSink.builder();

        assertThatThrownBy(() -> builder.maxInFlightRequests(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxRetries(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.retryBackoff(Duration.ofSeconds(1), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        new CassandraSink.Batching(CassandraSink.BatchMode.REPLICA_SET, 0, 4096, 1024, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CassandraSink.Batching(
                        CassandraSink.BatchMode.REPLICA_SET, 10, 4096, 1024, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsItToTheTaskManagers() throws Exception {
        CassandraSink<String> sink = CassandraSink.<String>builder()
                .connection(CONNECTION)
                .upsert(UPSERT)
                .build();

        CassandraSink<String> copy = InstantiationUtil.clone(sink);

        assertThat(copy.connection().toString()).isEqualTo(CONNECTION.toString());
        assertThat(copy.upsert().cql()).isEqualTo(UPSERT.cql());
        assertThat(copy.retry()).isEqualTo(sink.retry());
    }
}
