package dev.tally.loadgen;

import dev.tally.testing.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What the tests that run a job in legs between savepoints share. */
final class SavepointLegs {

    private SavepointLegs() {}

    /** Waits until the job's committed offsets (committed with each checkpoint) reach the topic's end. */
    static void awaitConsumed(TestKafka kafka, String topic, String group) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        try (Admin admin = kafka.admin()) {
            while (true) {
                Map<TopicPartition, OffsetSpec> latest =
                        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
                Map<TopicPartition, Long> ends =
                        admin.listOffsets(latest).all().get().entrySet().stream()
                                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
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
