package dev.tally.jobs.salesrank;

import dev.tally.connectors.kafka.RecordValidator;
import dev.tally.schema.salesrank.Purchase;
import java.time.Duration;
import java.util.List;

/**
 * Rejects purchases without ids or categories, with ids holding control characters (which the job's
 * keys use as separators), with a quantity outside [1, max], and whose event time is implausible
 * relative to when Kafka received them (the broker timestamp, so a replay from Kafka judges as the
 * live run did).
 */
public final class PurchaseValidator implements RecordValidator<Purchase> {

    private static final long serialVersionUID = 1L;

    private final int maxQty;
    private final long maxAgeMillis;
    private final long maxFutureMillis;

    public PurchaseValidator(int maxQty, Duration maxAge, Duration maxFuture) {
        this.maxQty = maxQty;
        this.maxAgeMillis = maxAge.toMillis();
        this.maxFutureMillis = maxFuture.toMillis();
    }

    @Override
    public Rejection check(Purchase purchase, long kafkaTimestamp) {
        Rejection ids = checkId("tx_id", purchase.getTxId());
        if (ids == null) {
            ids = checkId("product_id", purchase.getProductId());
        }
        if (ids != null) {
            return ids;
        }
        List<String> categories = purchase.getCategoryIds();
        if (categories.isEmpty()) {
            return new Rejection("MISSING_FIELD", "category_ids is empty");
        }
        for (String category : categories) {
            Rejection rejection = checkId("category_ids", category);
            if (rejection != null) {
                return rejection;
            }
        }
        if (purchase.getQty() < 1 || purchase.getQty() > maxQty) {
            return new Rejection("QTY_OUT_OF_RANGE", "qty " + purchase.getQty() + " is outside [1, " + maxQty + "]");
        }
        return RecordValidator.eventTimeOutOfRange(
                "ts", purchase.getTs(), kafkaTimestamp, maxAgeMillis, maxFutureMillis);
    }

    private static Rejection checkId(String field, String value) {
        if (value == null || value.isBlank()) {
            return new Rejection("MISSING_FIELD", field + " is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return new Rejection("INVALID_FIELD", field + " holds a control character at " + i);
            }
        }
        return null;
    }
}
