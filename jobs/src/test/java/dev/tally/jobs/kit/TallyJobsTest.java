package dev.tally.jobs.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.jobs.adclick.AdClickSqlJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TallyJobsTest {

    @Test
    void findsEveryRegisteredJobByName() {
        assertThat(TallyJobs.names())
                .containsExactly(
                        "ad-clicks",
                        "ad-clicks-sql",
                        "leaderboard",
                        "leaderboard-sql",
                        "metrics",
                        "metrics-sql",
                        "sales-rank",
                        "sales-rank-sql");
        assertThat(TallyJobs.byName("ad-clicks")).isInstanceOf(AdClickJob.class);
        assertThat(TallyJobs.byName("ad-clicks-sql")).isInstanceOf(AdClickSqlJob.class);
        assertThat(TallyJobs.byName("leaderboard")).isInstanceOf(dev.tally.jobs.leaderboard.LeaderboardJob.class);
        assertThat(TallyJobs.byName("metrics")).isInstanceOf(dev.tally.jobs.metrics.MetricsJob.class);
        assertThat(TallyJobs.byName("metrics-sql")).isInstanceOf(dev.tally.jobs.metrics.MetricsSqlJob.class);
    }

    @Test
    void anUnknownJobNamesTheKnownOnes() {
        assertThatThrownBy(() -> TallyJobs.byName("ad-click"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Unknown job 'ad-click'; known jobs: [ad-clicks, ad-clicks-sql, leaderboard, leaderboard-sql, metrics, metrics-sql, sales-rank, sales-rank-sql]");
    }

    @Test
    void eachJobsDefaultsAreItsOwn() {
        AdClickOptions options = new AdClickJob().newOptions();

        assertThat(options.inputTopic).isEqualTo("ad-clicks");
        assertThat(options.groupId).isEqualTo("tally-ad-clicks");
        assertThat(options.transactionalIdPrefix).isEqualTo("tally-ad-clicks");
        assertThat(options.jobName).isEqualTo("tally-ad-clicks");
        assertThat(options.maxParallelism).isEqualTo(128);
        assertThat(options.dlqTopic()).isEqualTo("ad-clicks.dlq");
        assertThat(options.lateTopic()).isEqualTo("ad-clicks.late");
    }

    @Test
    void helpListsTheSharedOptionsAndTheJobsOwn() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JobOptions.commandLine(new AdClickJob().newOptions()).usage(new PrintStream(out, true, StandardCharsets.UTF_8));
        String help = out.toString(StandardCharsets.UTF_8);

        assertThat(help)
                .startsWith("Usage: ad-clicks ")
                .contains("--bootstrap-servers", "--transaction-timeout", "--max-parallelism", "--archive-dir")
                .contains("--filters", "--top-n", "--windows", "--allowed-lateness")
                .contains("(default: ad-clicks)", "(default: PT14M)");
    }

    @Test
    void aConfigFileGivesDefaultsAndArgumentsWin(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path config = dir.resolve("job.properties");
        java.nio.file.Files.writeString(config, "input-topic=clicks-eu\ntop-n=7\nkeyspace=eu\n");

        AdClickOptions options = AdClickOptions.parse("--config", config.toString(), "--keyspace", "eu2");

        assertThat(options.inputTopic).isEqualTo("clicks-eu");
        assertThat(options.topN).isEqualTo(7);
        assertThat(options.keyspace).isEqualTo("eu2");
        assertThat(options.toMap())
                .containsEntry("input-topic", "clicks-eu")
                .containsEntry("dlq-topic", "clicks-eu.dlq");
    }

    @Test
    void refusesAMaxParallelismOutsideFlinksRange() {
        assertThatThrownBy(() -> AdClickOptions.parse("--max-parallelism", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-parallelism");
    }

    @Test
    void theClientConfigReachesTheKafkaClientsAndTheCassandraConnection(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("client.properties");
        java.nio.file.Files.writeString(
                file, "kafka.security.protocol=SSL\ncassandra.username=tally\ncassandra.password=secret\n");
        java.nio.file.Files.setPosixFilePermissions(
                file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        AdClickOptions options =
                AdClickOptions.parse("--client-config", file.toString(), "--bootstrap-servers", "b1:9093");

        assertThat(options.kafka().clientProperties())
                .containsEntry("bootstrap.servers", "b1:9093")
                .containsEntry("security.protocol", "SSL");
        assertThat(options.cassandraConnection("eu").username()).contains("tally");
        assertThat(options.toMap())
                .containsEntry("client-config", file.toString())
                .doesNotContainValue("secret");
    }

    /** The file's Kafka properties reach the job's source, but cannot take its read_committed away. */
    @Test
    void theJobsOwnKafkaSettingsComeAfterTheClientConfigs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("client.properties");
        java.nio.file.Files.writeString(
                file, "kafka.isolation.level=read_uncommitted\nkafka.security.protocol=SASL_SSL\n");
        java.nio.file.Files.setPosixFilePermissions(
                file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        AdClickOptions options = AdClickOptions.parse("--client-config", file.toString());

        java.util.Properties source = JobRunner.sourceProperties(options);

        assertThat(source)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", options.bootstrapServers);
    }
}
