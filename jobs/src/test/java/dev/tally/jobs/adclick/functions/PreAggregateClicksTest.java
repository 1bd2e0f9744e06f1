package dev.tally.jobs.adclick.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.tally.schema.adclick.AdClickEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-subtask partial counts: what is emitted, when, and that nothing is lost or doubled. */
class PreAggregateClicksTest {

    private static final long T0 = 1_609_459_200_000L; // 2021-01-01T00:00:00Z
    private static final long MIN = Minutes.MILLIS;

    /** Filter 1: country US; filter 2: ip 10.*. */
    private static final ClickFilters FILTERS = ClickFilters.parse("""
                    filters:
                      - id: 1
                        country: US
                      - id: 2
                        ip: "10.*"
                    """);

    private OneInputStreamOperatorTestHarness<AdClickEvent, ClickCount> harness;
    private PreAggregateClicks operator;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void emitsAMinutesPartialsWhenTheWatermarkClosesItAndNotBefore() throws Exception {
        open(FILTERS, PreAggregateClicks.DEFAULT_MAX_ENTRIES);
        process(click("ad1", T0 + 1_000, "US", "10.0.0.1"));
        process(click("ad1", T0 + 2_000, "US", "10.0.0.2"));
        process(click("ad1", T0 + 3_000, "GB", "192.168.0.1"));
        process(click("ad2", T0 + 4_000, null, null));
        process(click("ad1", T0 + MIN + 1_000, "us", null));

        harness.processWatermark(T0 + MIN - 2);
        assertThat(harness.getOutput()).containsExactly(new Watermark(T0 + MIN - 2));
        harness.getOutput().clear();

        harness.processWatermark(T0 + MIN - 1);
        assertThat(records())
                .containsExactlyInAnyOrder(
                        ClickCount.forFilter("ad1", 0, T0, 3),
                        ClickCount.forFilter("ad1", 1, T0, 2),
                        ClickCount.forFilter("ad1", 2, T0, 2),
                        ClickCount.forCountry("ad1", "US", T0, 2),
                        ClickCount.forCountry("ad1", "GB", T0, 1),
                        ClickCount.forFilter("ad2", 0, T0, 1),
                        ClickCount.forCountry("ad2", "", T0, 1));
        assertThat(harness.extractOutputStreamRecords())
                .allSatisfy(r -> assertThat(r.getTimestamp()).isEqualTo(T0 + MIN - 1));
        assertWatermarkLast(T0 + MIN - 1);
        // minute T0 + 1 is still open: ad1 under filters 0 and 1 (country ignores case) and "us"
        assertThat(operator.size()).isEqualTo(3);

        harness.getOutput().clear();
        harness.processWatermark(T0 + 2 * MIN - 1);
        assertThat(records())
                .containsExactlyInAnyOrder(
                        ClickCount.forFilter("ad1", 0, T0 + MIN, 1),
                        ClickCount.forFilter("ad1", 1, T0 + MIN, 1),
                        ClickCount.forCountry("ad1", "us", T0 + MIN, 1));
        assertThat(harness.extractOutputStreamRecords())
                .allSatisfy(r -> assertThat(r.getTimestamp()).isEqualTo(T0 + 2 * MIN - 1));
        assertWatermarkLast(T0 + 2 * MIN - 1);
        assertThat(operator.size()).isZero();
    }

    @Test
    void aClickForAnAlreadyClosedMinuteGoesOutBeforeTheNextWatermark() throws Exception {
        // With allowed lateness, dedup lets such a click through; the window still takes it.
        open(ClickFilters.allOnly(), PreAggregateClicks.DEFAULT_MAX_ENTRIES);
        harness.processWatermark(T0 + MIN - 1);
        process(click("ad1", T0 + 10_000, "US", null));
        process(click("ad1", T0 + MIN + 10_000, "US", null));
        harness.getOutput().clear();

        harness.processWatermark(T0 + MIN);
        assertThat(records())
                .containsExactlyInAnyOrder(
                        ClickCount.forFilter("ad1", 0, T0, 1), ClickCount.forCountry("ad1", "US", T0, 1));
        assertWatermarkLast(T0 + MIN);
        assertThat(operator.size()).isEqualTo(2);
    }

    @Test
    void aCheckpointKeepsOpenPartialsAndTheRestoredOperatorEmitsThemWhenTheirMinuteCloses() throws Exception {
        open(FILTERS, PreAggregateClicks.DEFAULT_MAX_ENTRIES);
        process(click("ad1", T0 + 1_000, "US", null));
        process(click("ad1", T0 + 2_000, "US", null));
        process(click("ad2", T0 + MIN + 1_000, "FR", "10.1.1.1"));

        harness.prepareSnapshotPreBarrier(1L);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        assertThat(harness.getOutput()).isEmpty();
        assertThat(operator.size()).isEqualTo(6);

        restore(FILTERS, PreAggregateClicks.DEFAULT_MAX_ENTRIES, snapshot);
        assertThat(operator.size()).isEqualTo(6);
        process(click("ad1", T0 + 3_000, "US", null));
        harness.processWatermark(T0 + MIN - 1);
        assertThat(harness.extractOutputStreamRecords())
                .extracting(StreamRecord::getValue, StreamRecord::getTimestamp)
                .containsExactlyInAnyOrder(
                        tuple(ClickCount.forFilter("ad1", 0, T0, 3), T0 + MIN - 1),
                        tuple(ClickCount.forFilter("ad1", 1, T0, 3), T0 + MIN - 1),
                        tuple(ClickCount.forCountry("ad1", "US", T0, 3), T0 + MIN - 1));
        assertWatermarkLast(T0 + MIN - 1);
        harness.getOutput().clear();

        harness.endInput();
        assertThat(records())
                .containsExactlyInAnyOrder(
                        ClickCount.forFilter("ad2", 0, T0 + MIN, 1),
                        ClickCount.forFilter("ad2", 2, T0 + MIN, 1),
                        ClickCount.forCountry("ad2", "FR", T0 + MIN, 1));
    }

    @Test
    void aRescaledRestoreSplitsTheOpenPartialsWithoutLosingOrDoublingAny() throws Exception {
        open(FILTERS, PreAggregateClicks.DEFAULT_MAX_ENTRIES);
        for (int i = 0; i < 40; i++) {
            process(click("ad" + (i % 8), T0 + i * 1_000L, i % 2 == 0 ? "US" : "GB", null));
        }
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        harness.close();
        harness = null;

        Map<String, Long> totals = new HashMap<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            PreAggregateClicks part = new PreAggregateClicks(FILTERS, PreAggregateClicks.DEFAULT_MAX_ENTRIES);
            try (OneInputStreamOperatorTestHarness<AdClickEvent, ClickCount> restored =
                    new OneInputStreamOperatorTestHarness<>(part, 2, 2, subtask)) {
                restored.initializeState(
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, 2, 1, 2, subtask));
                restored.open();
                assertThat(part.size()).isLessThan(8 * 3);
                restored.endInput();
                for (ClickCount partial : restored.extractOutputValues()) {
                    totals.merge(
                            key(partial.adId, partial.filterId, partial.country, partial.minute),
                            partial.count,
                            Long::sum);
                }
            }
        }
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            String ad = "ad" + (i % 8);
            expected.merge(key(ad, 0, "", T0), 1L, Long::sum);
            if (i % 2 == 0) {
                expected.merge(key(ad, 1, "", T0), 1L, Long::sum);
            }
            expected.merge(key(ad, -1, i % 2 == 0 ? "US" : "GB", T0), 1L, Long::sum);
        }
        assertThat(totals).isEqualTo(expected);
    }

    @Test
    void emitsEverythingAtEndOfInput() throws Exception {
        open(ClickFilters.allOnly(), PreAggregateClicks.DEFAULT_MAX_ENTRIES);
        process(click("ad1", T0 + 1_000, "US", null));
        process(click("ad1", T0 + 3 * MIN, "US", null));

        harness.endInput();
        assertThat(records())
                .containsExactlyInAnyOrder(
                        ClickCount.forFilter("ad1", 0, T0, 1),
                        ClickCount.forCountry("ad1", "US", T0, 1),
                        ClickCount.forFilter("ad1", 0, T0 + 3 * MIN, 1),
                        ClickCount.forCountry("ad1", "US", T0 + 3 * MIN, 1));
        assertThat(operator.size()).isZero();
    }

    @Test
    void theFinalWatermarkEmitsEverything() throws Exception {
        open(ClickFilters.allOnly(), PreAggregateClicks.DEFAULT_MAX_ENTRIES);
        process(click("ad1", T0 + 1_000, "US", null));
        process(click("ad1", T0 + 7 * MIN, null, null));

        harness.processWatermark(Long.MAX_VALUE);
        assertThat(records())
                .containsExactlyInAnyOrder(
                        ClickCount.forFilter("ad1", 0, T0, 1),
                        ClickCount.forCountry("ad1", "US", T0, 1),
                        ClickCount.forFilter("ad1", 0, T0 + 7 * MIN, 1),
                        ClickCount.forCountry("ad1", "", T0 + 7 * MIN, 1));
        assertWatermarkLast(Long.MAX_VALUE);
        assertThat(operator.size()).isZero();
    }

    @Test
    void emitsEverythingWhenTheMapOutgrowsTheCap() throws Exception {
        open(ClickFilters.allOnly(), 2);
        process(click("ad1", T0 + 1_000, "US", null)); // 2 partials: filter 0 and US
        process(click("ad1", T0 + 2_000, "US", null)); // same 2 partials
        assertThat(records()).isEmpty();
        assertThat(operator.size()).isEqualTo(2);

        process(click("ad2", T0 + 3_000, "US", null)); // 4 partials > 2
        assertThat(records())
                .containsExactlyInAnyOrder(
                        ClickCount.forFilter("ad1", 0, T0, 2),
                        ClickCount.forCountry("ad1", "US", T0, 2),
                        ClickCount.forFilter("ad2", 0, T0, 1),
                        ClickCount.forCountry("ad2", "US", T0, 1));
        assertThat(operator.size()).isZero();
    }

    @Test
    void partialsAddUpToExactTotalsWhateverTriggersTheFlushes() throws Exception {
        open(FILTERS, 7);
        List<ClickCount> emitted = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        String[] countries = {"US", "GB", null};
        int n = 0;
        for (int minute = 0; minute < 4; minute++) {
            for (int i = 0; i < 250; i++, n++) {
                String ad = "ad" + (n % 5);
                String country = countries[n % 3];
                String ip = n % 4 == 0 ? "10.0.0." + n % 7 : "172.16.0.1";
                long minuteStart = T0 + minute * MIN;
                process(click(ad, minuteStart + (i * 239L) % MIN, country, ip));
                expected.merge(key(ad, 0, "", minuteStart), 1L, Long::sum);
                if ("US".equals(country)) {
                    expected.merge(key(ad, 1, "", minuteStart), 1L, Long::sum);
                }
                if (ip.startsWith("10.")) {
                    expected.merge(key(ad, 2, "", minuteStart), 1L, Long::sum);
                }
                expected.merge(key(ad, -1, country == null ? "" : country, minuteStart), 1L, Long::sum);
            }
            harness.processWatermark(T0 + minute * MIN + 30_000);
            if (minute == 2) {
                OperatorSubtaskState snapshot = harness.snapshot(7L, T0);
                emitted.addAll(records());
                restore(FILTERS, 7, snapshot);
            }
        }
        harness.endInput();
        emitted.addAll(records());

        Map<String, Long> totals = new HashMap<>();
        for (ClickCount partial : emitted) {
            assertThat(partial.count).isPositive();
            totals.merge(
                    key(partial.adId, partial.filterId, partial.country, partial.minute), partial.count, Long::sum);
        }
        assertThat(totals).isEqualTo(expected);
        assertThat(totals.entrySet().stream()
                        .filter(e -> e.getKey().contains("/0/"))
                        .mapToLong(Map.Entry::getValue)
                        .sum())
                .isEqualTo(1000);
        // the cap forced flushes, so there are more partials than keys
        assertThat(emitted.size()).isGreaterThan(expected.size());
    }

    @Test
    void rejectsACapBelowOne() {
        assertThatThrownBy(() -> new PreAggregateClicks(ClickFilters.allOnly(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxEntries must be at least 1, got 0");
    }

    // ---- helpers ----

    private void open(ClickFilters filters, int maxEntries) throws Exception {
        operator = new PreAggregateClicks(filters, maxEntries);
        harness = new OneInputStreamOperatorTestHarness<>(operator);
        harness.open();
    }

    /** Closes the current operator and starts a new one from {@code snapshot}, as a restart does. */
    private void restore(ClickFilters filters, int maxEntries, OperatorSubtaskState snapshot) throws Exception {
        harness.close();
        operator = new PreAggregateClicks(filters, maxEntries);
        harness = new OneInputStreamOperatorTestHarness<>(operator);
        harness.initializeState(snapshot);
        harness.open();
    }

    private void process(AdClickEvent click) throws Exception {
        harness.processElement(click, click.getClickTs());
    }

    private List<ClickCount> records() {
        return new ArrayList<>(harness.extractOutputValues());
    }

    /** The last thing emitted is the watermark: the partials of closed minutes precede it. */
    private void assertWatermarkLast(long watermark) {
        List<Object> output = new ArrayList<>(harness.getOutput());
        assertThat(output).isNotEmpty();
        assertThat(output.get(output.size() - 1)).isEqualTo(new Watermark(watermark));
        assertThat(output.subList(0, output.size() - 1)).allMatch(e -> e instanceof StreamRecord);
    }

    private static String key(String adId, int filterId, String country, long minute) {
        return adId + "/" + filterId + "/" + country + "/" + minute;
    }

    private static AdClickEvent click(String adId, long clickTs, String country, String ip) {
        return AdClickEvent.newBuilder()
                .setClickId(adId + "-" + clickTs)
                .setAdId(adId)
                .setClickTs(clickTs)
                .setCountry(country)
                .setIp(ip)
                .build();
    }
}
