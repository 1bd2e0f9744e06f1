package dev.tally.loadgen.metrics.reference;

/**
 * A valid point as it was sent: the point, its Kafka timestamp (the newest event time sent before it:
 * the most the job's watermark can have reached from the point's partition) and whether it was sent so
 * far behind that the job may route it to the late topic (a late candidate).
 */
public record SentPoint(ReferencePoint point, long kafkaTimestamp, boolean lateCandidate) {}
