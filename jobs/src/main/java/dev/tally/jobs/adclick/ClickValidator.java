package dev.tally.jobs.adclick;

import dev.tally.connectors.kafka.RecordValidator;
import dev.tally.schema.adclick.AdClickEvent;
import java.time.Duration;

/**
 * Rejects clicks without an id or ad, and clicks whose event time is implausible relative to when
 * Kafka received them (the broker timestamp, so a replay from Kafka judges exactly as the live run did).
 */
public final class ClickValidator implements RecordValidator<AdClickEvent> {

    private static final long serialVersionUID = 1L;

    private final long maxAgeMillis;
    private final long maxFutureMillis;

    public ClickValidator(Duration maxAge, Duration maxFuture) {
        this.maxAgeMillis = maxAge.toMillis();
        this.maxFutureMillis = maxFuture.toMillis();
    }

    @Override
    public Rejection check(AdClickEvent click, long kafkaTimestamp) {
        if (click.getClickId() == null || click.getClickId().isBlank()) {
            return new Rejection("MISSING_FIELD", "click_id is empty");
        }
        if (click.getAdId() == null || click.getAdId().isBlank()) {
            return new Rejection("MISSING_FIELD", "ad_id is empty");
        }
        return RecordValidator.eventTimeOutOfRange(
                "click_ts", click.getClickTs(), kafkaTimestamp, maxAgeMillis, maxFutureMillis);
    }
}
