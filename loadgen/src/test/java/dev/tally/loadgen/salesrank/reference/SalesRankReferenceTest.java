package dev.tally.loadgen.salesrank.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.loadgen.salesrank.reference.SalesRankReference.Seller;
import dev.tally.loadgen.salesrank.reference.SalesRankReference.Window;
import dev.tally.schema.salesrank.Purchase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SalesRankReferenceTest {

    private static final long H0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = SalesRankReference.HOUR;
    private static final long DAY = 24 * HOUR;

    private static Purchase purchase(String tx, long ts, String product, int qty, String... categories) {
        return new Purchase(tx, ts, product, List.of(categories), qty);
    }

    /**
     * The System Design Primer's sales log (t1..t5) and its MapReduce's sorted output: (category1, 1)
     * product4, (category1, 2) product1, (category1, 3) product2, (category2, 3) product1, (category2, 7)
     * product3 (note: product1 in category2 is 2 + 1 = 3).
     */
    @Test
    void reproducesThePrimersWorkedExample() {
        SalesRankReference reference = new SalesRankReference();
        reference.add(purchase("1", H0 + 1_000, "product1", 2, "category1"));
        reference.add(purchase("2", H0 + 2_000, "product1", 2, "category2"));
        reference.add(purchase("3", H0 + 2_000, "product1", 1, "category2"));
        reference.add(purchase("4", H0 + 3_000, "product2", 3, "category1"));
        reference.add(purchase("5", H0 + 4_000, "product3", 7, "category2"));
        reference.add(purchase("6", H0 + 5_000, "product4", 1, "category1"));

        Map<Window, List<Seller>> lists = SalesRankReference.lists(reference.purchases(), 10);

        // The Primer sorts by (category, total) ascending; its rows, from the list of the past week as of t5's hour
        // end.
        List<String> primerRows = new ArrayList<>();
        for (String category : List.of("category1", "category2")) {
            List<Seller> best = lists.get(new Window(category, H0 + HOUR));
            for (int i = best.size() - 1; i >= 0; i--) {
                primerRows.add("(" + category + ", " + best.get(i).totalSold() + "), "
                        + best.get(i).productId());
            }
        }
        assertThat(primerRows)
                .containsExactly(
                        "(category1, 1), product4",
                        "(category1, 2), product1",
                        "(category1, 3), product2",
                        "(category2, 3), product1",
                        "(category2, 7), product3");
        // Every window holding that hour (ending 1 h to 7 d after it) lists the same, and no other window exists.
        assertThat(lists).hasSize(2 * 168);
        assertThat(lists.get(new Window("category1", H0 + 7 * DAY)))
                .containsExactly(
                        new Seller("product2", 3, 1), new Seller("product1", 2, 2), new Seller("product4", 1, 3));
        assertThat(lists).doesNotContainKey(new Window("category1", H0 + 7 * DAY + HOUR));
    }

    @Test
    void windowsSlideByTheHourAndTotalsTieWithSharedRanks() {
        List<Purchase> purchases = List.of(
                purchase("1", H0 + 600_000, "x", 5, "c", "c"),
                purchase("2", H0 + 2 * HOUR, "y", 4, "c"),
                purchase("3", H0 + 7 * DAY + 1_800_000, "y", 2, "c"),
                purchase("4", H0 + 20 * DAY, "z", 1, "c"),
                purchase("5", H0, "a", 3, "d"),
                purchase("6", H0, "b", 3, "d"),
                purchase("7", H0, "e", 3, "d"),
                purchase("8", H0, "f", 1, "d"));

        Map<Window, List<Seller>> lists = SalesRankReference.lists(purchases, 3);

        assertThat(describe(lists, "c", 1)).isEqualTo("x:5#1");
        assertThat(describe(lists, "c", 3)).isEqualTo("x:5#1 y:4#2");
        assertThat(describe(lists, "c", 168)).isEqualTo("x:5#1 y:4#2");
        assertThat(describe(lists, "c", 169)).isEqualTo("y:6#1");
        assertThat(describe(lists, "c", 171)).isEqualTo("y:2#1");
        assertThat(describe(lists, "c", 14 * 24)).isEqualTo("y:2#1");
        // A week without sales: no window between, and z's week after it.
        assertThat(lists).doesNotContainKey(new Window("c", H0 + 14 * DAY + HOUR));
        assertThat(describe(lists, "c", 20 * 24 + 1)).isEqualTo("z:1#1");
        assertThat(lists.keySet().stream().filter(w -> w.categoryId().equals("c")))
                .hasSize(14 * 24 + 168);

        assertThat(describe(lists, "d", 1)).isEqualTo("a:3#1 b:3#1 e:3#1");
    }

    @Test
    void aTxIdCountsOnceAsItsFirstCopy() {
        SalesRankReference reference = new SalesRankReference();
        assertThat(reference.add(purchase("t", H0, "p", 2, "c"))).isTrue();
        assertThat(reference.add(purchase("t", H0, "p", 2, "c"))).isFalse();
        assertThat(reference.add(purchase("t", H0, "p", 3, "c"))).isFalse();
        assertThat(reference.duplicates()).isEqualTo(1);
        assertThat(reference.conflicts()).isEqualTo(1);
        assertThat(describe(SalesRankReference.lists(reference.purchases(), 3), "c", 1))
                .isEqualTo("p:2#1");
    }

    private static String describe(Map<Window, List<Seller>> lists, String category, long hoursAfterH0) {
        List<Seller> list = lists.get(new Window(category, H0 + hoursAfterH0 * HOUR));
        return list == null
                ? null
                : list.stream()
                        .map(s -> s.productId() + ":" + s.totalSold() + "#" + s.rank())
                        .collect(Collectors.joining(" "));
    }
}
