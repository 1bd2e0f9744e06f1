package dev.tally.loadgen.salesrank.reference;

import dev.tally.schema.salesrank.Purchase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sales rank's expected lists, computed from the SPEC (System Design Primer: the past week's
 * best sellers per category, refreshed hourly) directly on the whole input: written apart from the
 * job and importing nothing of it, since a truth sharing the job's code could not catch its bugs.
 *
 * <p>Rules: a tx_id counts once, as its first copy (a later copy with other content is a conflict, a
 * dead letter); a purchase counts its qty once in each distinct category it lists; the window ending
 * at an hour boundary E holds the purchases with ts in [E - 7 days, E); a category has a list for E
 * when it sold anything in that window: the N products that sold the most, ties by product id, each
 * ranked 1 + the number of products of the category that sold more.
 *
 * <p>Its own way there: each category's windows in time order, with a running total per product
 * that adds the hour entering the window and takes away the hour leaving it (the job sums its panes
 * per window instead).
 */
public final class SalesRankReference {

    public static final long HOUR = 3_600_000L;
    public static final long WEEK = 7 * 24 * HOUR;

    /** A category's window, by its exclusive end. */
    public record Window(String categoryId, long end) {}

    /** One entry of a list. */
    public record Seller(String productId, long totalSold, int rank) {}

    /** The first copy of each tx_id, in arrival order. */
    private final Map<String, Purchase> kept = new LinkedHashMap<>();

    private long duplicates;
    private long conflicts;

    /** Takes a valid, on-time record as the job receives it, in send order; false for a copy of a known tx_id. */
    public boolean add(Purchase purchase) {
        Purchase first = kept.putIfAbsent(purchase.getTxId(), purchase);
        if (first == null) {
            return true;
        }
        if (sameContent(first, purchase)) {
            duplicates++;
        } else {
            conflicts++;
        }
        return false;
    }

    public long duplicates() {
        return duplicates;
    }

    public long conflicts() {
        return conflicts;
    }

    /** The purchases that count, each tx_id's first copy. */
    public Collection<Purchase> purchases() {
        return kept.values();
    }

    /** Every category's list for every window it sold something in, lists of at most {@code n}. */
    public static Map<Window, List<Seller>> lists(Iterable<Purchase> purchases, int n) {
        // category -> hour start -> product -> units
        Map<String, TreeMap<Long, Map<String, Long>>> hours = new HashMap<>();
        for (Purchase p : purchases) {
            long hour = Math.floorDiv(p.getTs(), HOUR) * HOUR;
            for (String category : new LinkedHashSet<>(p.getCategoryIds())) {
                hours.computeIfAbsent(category, c -> new TreeMap<>())
                        .computeIfAbsent(hour, h -> new HashMap<>())
                        .merge(p.getProductId(), (long) p.getQty(), Long::sum);
            }
        }
        Map<Window, List<Seller>> lists = new HashMap<>();
        hours.forEach((category, byHour) -> slide(category, byHour, n, lists));
        return lists;
    }

    private static void slide(
            String category, TreeMap<Long, Map<String, Long>> byHour, int n, Map<Window, List<Seller>> lists) {
        // Every end whose week holds a sale: from an hour's end to a week after its start.
        TreeSet<Long> ends = new TreeSet<>();
        for (long hour : byHour.keySet()) {
            for (long end = hour + HOUR; end <= hour + WEEK; end += HOUR) {
                ends.add(end);
            }
        }
        // Both ends of the window only move on: each hour is added once when the end passes it and
        // taken away once when the start does.
        List<Map.Entry<Long, Map<String, Long>>> hourList = new ArrayList<>(byHour.entrySet());
        Map<String, Long> running = new HashMap<>();
        int added = 0;
        int removed = 0;
        for (long end : ends) {
            while (added < hourList.size() && hourList.get(added).getKey() < end) {
                hourList.get(added++).getValue().forEach((product, units) -> running.merge(product, units, Long::sum));
            }
            while (removed < added && hourList.get(removed).getKey() < end - WEEK) {
                hourList.get(removed++).getValue().forEach((product, units) -> {
                    if (running.merge(product, -units, Long::sum) == 0) {
                        running.remove(product);
                    }
                });
            }
            if (!running.isEmpty()) {
                lists.put(new Window(category, end), best(running, n));
            }
        }
    }

    private static List<Seller> best(Map<String, Long> totals, int n) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(totals.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<Seller> list = new ArrayList<>(Math.min(n, sorted.size()));
        for (int i = 0; i < Math.min(n, sorted.size()); i++) {
            long total = sorted.get(i).getValue();
            int soldMore = 0;
            for (long other : totals.values()) {
                if (other > total) {
                    soldMore++;
                }
            }
            list.add(new Seller(sorted.get(i).getKey(), total, soldMore + 1));
        }
        return list;
    }

    private static boolean sameContent(Purchase a, Purchase b) {
        return a.getTs() == b.getTs()
                && a.getQty() == b.getQty()
                && a.getProductId().equals(b.getProductId())
                && a.getCategoryIds().equals(b.getCategoryIds());
    }
}
