package dev.tally.jobs.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.jobs.adclick.AdClickOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;

class TransactionTimeoutTest {

    @Test
    void theRepositorysFlinkConfFitsTheDefaultTimeoutAndAStockBroker() {
        Configuration conf = GlobalConfiguration.loadConfiguration(flinkConf().toString());

        // 10 s interval + 3 min x (3 tolerable + 1) + 30 s max back-off
        assertThat(TransactionTimeout.needed(conf)).isEqualTo(Duration.ofSeconds(10 + 12 * 60 + 30));
        Duration defaultTimeout = new AdClickOptions().transactionTimeout;
        assertThatCode(() -> TransactionTimeout.check(defaultTimeout, conf)).doesNotThrowAnyException();
        assertThat(defaultTimeout).isLessThanOrEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void refusesATimeoutThatFailingCheckpointsOutlast() {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofMinutes(5));
        conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(20));

        assertThat(TransactionTimeout.needed(conf)).isEqualTo(Duration.ofSeconds(10 + 20 * 60 + 20));
        assertThatThrownBy(() -> TransactionTimeout.check(Duration.ofMinutes(15), conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--transaction-timeout PT15M is shorter than")
                .hasMessageContaining("= PT20M30S");
    }

    @Test
    void withoutCheckpointsNothingIsNeeded() {
        assertThat(TransactionTimeout.needed(new Configuration())).isEqualTo(Duration.ZERO);
    }

    static Path flinkConf() {
        return Path.of(System.getProperty("tally.home", "..")).resolve("flink-conf");
    }
}
