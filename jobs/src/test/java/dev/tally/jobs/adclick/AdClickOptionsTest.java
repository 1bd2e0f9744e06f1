package dev.tally.jobs.adclick;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.connectors.cassandra.CassandraSink;
import org.junit.jupiter.api.Test;

class AdClickOptionsTest {

    @Test
    void replicaSetBatchesKeepTheServersDefaultPartitionLimitUnlessToldOtherwise() {
        CassandraSink.Batching batching = AdClickOptions.parse().cassandraSinkBatching();

        assertThat(batching).isEqualTo(CassandraSink.Batching.of(CassandraSink.BatchMode.REPLICA_SET));
        assertThat(batching.maxStatements()).isEqualTo(10);
    }

    @Test
    void batchRowsReplaceOnlyTheModesRowLimit() {
        CassandraSink.Batching batching = AdClickOptions.parse(
                        "--cassandra-batching", "PARTITION_KEY", "--cassandra-batch-rows", "64")
                .cassandraSinkBatching();
        CassandraSink.Batching modeDefault = CassandraSink.Batching.of(CassandraSink.BatchMode.PARTITION_KEY);

        assertThat(batching.mode()).isEqualTo(CassandraSink.BatchMode.PARTITION_KEY);
        assertThat(batching.maxStatements()).isEqualTo(64);
        assertThat(batching.maxBytes()).isEqualTo(modeDefault.maxBytes());
        assertThat(batching.bufferSize()).isEqualTo(modeDefault.bufferSize());
        assertThat(batching.linger()).isEqualTo(modeDefault.linger());
    }

    @Test
    void refusesBatchesWithoutRows() {
        AdClickOptions options = AdClickOptions.parse("--cassandra-batch-rows", "0");

        assertThatThrownBy(options::cassandraSinkBatching)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxStatements must be positive, got 0");
    }
}
