package dev.tally.jobs.salesrank.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.jobs.kit.NeverIdle;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.salesrank.Purchase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dedup by tx_id: the first copy counts, duplicates and conflicts do not, late purchases go out, state goes. */
class DeduplicatePurchasesTest {

    private static final long H0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = SalesWindows.HOUR;

    private KeyedOneInputStreamOperatorTestHarness<String, Purchase, Purchase> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Purchase, Purchase> newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new NeverIdle.KeyedProcess<>(new DeduplicatePurchases(Duration.ofHours(2), "purchases")),
                Purchase::getTxId,
                Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static Purchase purchase(String tx, long ts, String product, int qty) {
        return new Purchase(tx, ts, product, List.of("books"), qty);
    }

    private void send(Purchase p) throws Exception {
        harness.processElement(new StreamRecord<>(p, p.getTs()));
    }

    private List<String> passed() {
        List<String> txs =
                harness.extractOutputValues().stream().map(Purchase::getTxId).toList();
        harness.getOutput().clear();
        return txs;
    }

    @Test
    void theFirstCopyCountsAndACopyWithOtherContentIsADeadLetter() throws Exception {
        send(purchase("t1", H0 + 1_000, "p", 2));
        send(purchase("t1", H0 + 1_000, "p", 2));
        send(purchase("t1", H0 + 1_000, "p", 5));
        send(purchase("t2", H0 + 2_000, "q", 1));

        assertThat(passed()).containsExactly("t1", "t2");
        assertThat(harness.getSideOutput(RouteInvalidRecords.DEAD_LETTERS))
                .extracting(r -> ((DeadLetter) r.getValue()).getReason())
                .containsExactly(DeduplicatePurchases.CONFLICTING_PURCHASE);
    }

    @Test
    void aPurchaseWhoseFirstWindowWasEmittedIsLate() throws Exception {
        harness.processWatermark(H0 + HOUR - 2);
        send(purchase("t1", H0, "p", 1));
        harness.processWatermark(H0 + HOUR - 1);
        send(purchase("t2", H0 + HOUR - 1, "p", 1));
        send(purchase("t3", H0 + HOUR, "p", 1));

        assertThat(passed()).containsExactly("t1", "t3");
        assertThat(harness.getSideOutput(DeduplicatePurchases.LATE))
                .extracting(r -> r.getValue().getTxId())
                .containsExactly("t2");
    }

    @Test
    void aTransactionIsForgottenAfterTheHorizonAndItsCopiesAreLateByThen() throws Exception {
        send(purchase("t1", H0 + 1_000, "p", 2));
        harness.processWatermark(H0 + 2 * HOUR + 1_000);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        send(purchase("t1", H0 + 1_000, "p", 2));
        assertThat(passed()).containsExactly("t1");
        assertThat(harness.getSideOutput(DeduplicatePurchases.LATE)).hasSize(1);
    }

    @Test
    void theLateTestHoldsFromARestoresFirstRecordOn() throws Exception {
        harness.processWatermark(H0 + 3 * HOUR);
        send(purchase("t0", H0 + 3 * HOUR + 1, "p", 1));
        passed();
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();

        send(purchase("t1", H0 + HOUR, "p", 2));
        assertThat(passed()).isEmpty();
        assertThat(harness.getSideOutput(DeduplicatePurchases.LATE)).hasSize(1);
    }

    @Test
    void aHorizonShorterThanAnHourCouldCountACopyTwice() {
        assertThatThrownBy(() -> new DeduplicatePurchases(Duration.ofMinutes(59), "purchases"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
