package dev.tally.loadgen;

import dev.tally.jobs.adclick.AdClickJob;
import dev.tally.jobs.adclick.AdClickOptions;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.testing.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What the tests that run a job in legs between savepoints share. */
final class SavepointLegs {

    private SavepointLegs() {}

    /**
     * Starts the ad-click job with {@code options} on a local cluster of {@code parallelism}, RocksDB
     * and checkpoints every 500 ms under {@code dir}, from {@code savepoint} when not null (every piece
     * of state must find its operator: no allowNonRestoredState).
     */
    static JobClient start(Path dir, AdClickOptions options, int parallelism, String savepoint) throws Exception {
        Configuration config = new Configuration();
        config.setString("state.backend.type", "rocksdb");
        config.setString("execution.checkpointing.interval", "500ms");
        config.setString(
                "execution.checkpointing.dir",
                dir.resolve("checkpoints").toUri().toString());
        if (savepoint != null) {
            config.setString("execution.state-recovery.path", savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, config);
        AdClickJob job = new AdClickJob();
        JobRunner.configure(env, options);
        job.attachSinks(job.build(JobRunner.liveInput(env, job, options), options), options);
        return env.executeAsync(options.jobName + "-p" + parallelism);
    }

    /** Stops the job with a savepoint under {@code dir}, drained or not, and waits for its end. */
    static String stop(JobClient job, Path dir, boolean drain) throws Exception {
        String savepoint = job.stopWithSavepoint(
                        drain, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
        job.getJobExecutionResult().get();
        return savepoint;
    }

    /** Waits until the job's committed offsets (committed with each checkpoint) reach the topic's end. */
    static void awaitConsumed(TestKafka kafka, String topic, String group) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        try (Admin admin = kafka.admin()) {
            while (true) {
                Map<TopicPartition, OffsetSpec> latest =
                        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                                .collect(Collectors.toMap(
                                        p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
                Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                        .collect(Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().offset()));
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                boolean done = ends.entrySet().stream().allMatch(e -> {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    return e.getValue() == 0 || (c != null && c.offset() >= e.getValue());
                });
                if (done) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("Input not consumed: ends " + ends + ", committed " + committed);
                }
                Thread.sleep(300);
            }
        }
    }

    /** The next {@code n} records of {@code records}. */
    static Iterator<GeneratedRecord> limit(Iterator<GeneratedRecord> records, int n) {
        return new Iterator<>() {
            private int left = n;

            @Override
            public boolean hasNext() {
                return left > 0 && records.hasNext();
            }

            @Override
            public GeneratedRecord next() {
                left--;
                return records.next();
            }
        };
    }
}
