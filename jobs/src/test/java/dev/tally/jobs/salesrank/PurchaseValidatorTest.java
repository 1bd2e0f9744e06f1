package dev.tally.jobs.salesrank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.kafka.RecordValidator.Rejection;
import dev.tally.schema.salesrank.Purchase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PurchaseValidatorTest {

    private static final long NOW = 1_796_000_000_000L;
    private final PurchaseValidator validator = new PurchaseValidator(100, Duration.ofDays(7), Duration.ofMinutes(5));

    private Rejection check(String tx, String product, List<String> categories, int qty, long ts) {
        return validator.check(new Purchase(tx, ts, product, categories, qty), NOW);
    }

    @Test
    void aPlainPurchasePasses() {
        assertThat(check("t", "p", List.of("c1", "c2"), 3, NOW)).isNull();
    }

    @Test
    void eachBadFieldIsNamed() {
        assertThat(check(" ", "p", List.of("c"), 1, NOW).detail()).isEqualTo("tx_id is empty");
        assertThat(check("t", "", List.of("c"), 1, NOW).detail()).isEqualTo("product_id is empty");
        assertThat(check("t", "p", List.of(), 1, NOW).detail()).isEqualTo("category_ids is empty");
        assertThat(check("t", "p", List.of("c", ""), 1, NOW).detail()).isEqualTo("category_ids is empty");
        assertThat(check("t", "p\u0001q", List.of("c"), 1, NOW).reason()).isEqualTo("INVALID_FIELD");
        assertThat(check("t", "p", List.of("c"), 0, NOW).reason()).isEqualTo("QTY_OUT_OF_RANGE");
        assertThat(check("t", "p", List.of("c"), 101, NOW).reason()).isEqualTo("QTY_OUT_OF_RANGE");
        assertThat(check("t", "p", List.of("c"), 1, NOW - Duration.ofDays(8).toMillis())
                        .reason())
                .isEqualTo("TIMESTAMP_OUT_OF_RANGE");
        assertThat(check("t", "p", List.of("c"), 1, NOW + Duration.ofMinutes(6).toMillis())
                        .reason())
                .isEqualTo("TIMESTAMP_OUT_OF_RANGE");
    }
}
