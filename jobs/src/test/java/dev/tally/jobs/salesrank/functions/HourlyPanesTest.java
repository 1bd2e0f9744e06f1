package dev.tally.jobs.salesrank.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A product's hourly panes: each window's total at its end, panes leaving after 7 days, state back to zero. */
class HourlyPanesTest {

    private static final long H0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = SalesWindows.HOUR;
    private static final long WEEK = SalesWindows.WEEK;

    private KeyedOneInputStreamOperatorTestHarness<String, CategorySale, ProductTotal> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new HourlyPanes(), CategorySale::productKey, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void sell(String product, long pane, long qty) throws Exception {
        harness.processElement(new StreamRecord<>(new CategorySale("books", product, pane, qty), pane));
    }

    private List<String> emitted() {
        List<String> totals = harness.extractOutputValues().stream()
                .map(t -> t.productId + "@" + (t.windowEnd - H0) / HOUR + "h=" + t.total)
                .toList();
        harness.getOutput().clear();
        return totals;
    }

    @Test
    void eachWindowEndEmitsTheSumOfTheWeekBeforeIt() throws Exception {
        sell("p", H0, 2);
        sell("p", H0, 3);
        sell("p", H0 + 2 * HOUR, 4);
        sell("q", H0 + HOUR, 1);
        assertThat(emitted()).isEmpty();

        harness.processWatermark(H0 + HOUR - 2);
        assertThat(emitted()).isEmpty();
        harness.processWatermark(H0 + HOUR - 1);
        assertThat(emitted()).containsExactly("p@1h=5");
        harness.processWatermark(H0 + 3 * HOUR - 1);
        assertThat(emitted()).containsExactlyInAnyOrder("p@2h=5", "q@2h=1", "p@3h=9", "q@3h=1");

        // The window ending at 7 d still holds hour 0; the next one no longer does.
        harness.processWatermark(H0 + WEEK - 1);
        assertThat(emitted()).hasSize(2 * (168 - 3)).contains("p@168h=9", "q@168h=1");
        harness.processWatermark(H0 + WEEK + HOUR - 1);
        assertThat(emitted()).containsExactlyInAnyOrder("p@169h=4", "q@169h=1");
        harness.processWatermark(H0 + WEEK + 2 * HOUR - 1);
        assertThat(emitted()).containsExactly("p@170h=4");
        harness.processWatermark(H0 + WEEK + 3 * HOUR - 1);
        assertThat(emitted()).isEmpty();

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void productsOfOnePaneKeepTheirOwnCounts() throws Exception {
        sell("p", H0, 2);
        sell("q", H0, 7);
        sell("p", H0, 1);
        harness.processWatermark(H0 + HOUR - 1);
        assertThat(emitted()).containsExactlyInAnyOrder("p@1h=3", "q@1h=7");
    }

    @Test
    void aSaleAheadOfTheWatermarkWaitsForItsOwnFirstWindow() throws Exception {
        sell("p", H0, 1);
        sell("p", H0 + 10 * HOUR, 7);
        harness.processWatermark(H0 + 10 * HOUR - 1);
        assertThat(emitted()).hasSize(10).allMatch(s -> s.endsWith("=1"));
        harness.processWatermark(H0 + 11 * HOUR - 1);
        assertThat(emitted()).containsExactly("p@11h=8");
    }

    @Test
    void aWatermarkPastManyBoundariesEmitsEveryDueWindowOnce() throws Exception {
        sell("p", H0, 2);
        sell("p", H0 + 5 * HOUR, 3);
        sell("q", H0 + 100 * HOUR, 1);
        // Far past them all at once, as at the end of a bounded input: each window once.
        harness.processWatermark(Long.MAX_VALUE);
        List<String> all = emitted();
        assertThat(all.stream().filter(s -> s.startsWith("p@")))
                .hasSize(168 + 5)
                .doesNotHaveDuplicates();
        assertThat(all.stream().filter(s -> s.startsWith("q@"))).hasSize(168).doesNotHaveDuplicates();
        assertThat(all).contains("p@1h=2", "p@6h=5", "p@168h=5", "p@169h=3", "p@173h=3", "q@101h=1", "q@268h=1");
        assertThat(all).doesNotContain("p@174h=3");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void panesStayInOrderWhateverOrderTheyArriveIn() {
        long[] state = HourlyPanes.add(null, 5, 1);
        state = HourlyPanes.add(state, 2, 1);
        state = HourlyPanes.add(state, 9, 1);
        state = HourlyPanes.add(state, 5, 2);
        state = HourlyPanes.add(state, 7, 1);
        state[0] = 4;
        assertThat(state).containsExactly(4, 2, 1, 5, 3, 7, 1, 9, 1);
        assertThat(HourlyPanes.dropBefore(state, 6)).containsExactly(4, 7, 1, 9, 1);
        assertThat(HourlyPanes.dropBefore(state, 1)).isSameAs(state);
        assertThat(HourlyPanes.dropBefore(state, 10)).containsExactly(4);
    }
}
