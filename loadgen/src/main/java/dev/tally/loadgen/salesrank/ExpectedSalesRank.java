package dev.tally.loadgen.salesrank;

import dev.tally.loadgen.salesrank.reference.SalesRankReference;
import dev.tally.loadgen.salesrank.reference.SalesRankReference.Seller;
import dev.tally.loadgen.salesrank.reference.SalesRankReference.Window;
import dev.tally.schema.salesrank.Purchase;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ground truth of a generated purchase stream, as {@code tally loadgen sales-rank --truth} writes it
 * and {@code tally verify sales-rank} reads it: the purchases that count (each tx_id's first copy), the
 * purchases sent far behind the front, and what the generator sent. The expected lists are computed
 * from them by {@link SalesRankReference} when verifying: whether the job routes a purchase sent behind
 * the front to the late topic depends on its watermark at the time, so the verifier takes the records
 * the late topic holds and counts the others.
 *
 * <p>The file is tab-separated, one line per fact:
 * <pre>
 * S  top_n  purchases  duplicates  conflicts  late  malformed
 * P  tx_id  ts  product_id  qty  category,category,...     a purchase that counts
 * L  tx_id  ts  product_id  qty  category,category,...     a purchase sent far behind the front
 * </pre>
 */
public record ExpectedSalesRank(int topN, List<Purchase> purchases, List<Purchase> late, Totals totals) {

    private static final Comparator<Purchase> BY_TX = Comparator.comparing(Purchase::getTxId);

    /** What the generator sent, by kind of record. */
    public record Totals(long purchases, long duplicates, long conflicts, long late, long malformed) {

        /** Records the job must dead-letter: the malformed ones and the conflicting copies. */
        public long deadLetters() {
            return malformed + conflicts;
        }
    }

    /** The expected lists, with the late purchases not in {@code routedLate} counted (the job's watermark had not passed them). */
    public Map<Window, List<Seller>> listsCounting(Set<String> routedLate) {
        List<Purchase> counted = new ArrayList<>(purchases);
        for (Purchase p : late) {
            if (!routedLate.contains(p.getTxId())) {
                counted.add(p);
            }
        }
        return SalesRankReference.lists(counted, topN);
    }

    /** The same truth with lists of {@code n}. */
    public ExpectedSalesRank withTopN(int n) {
        return new ExpectedSalesRank(n, purchases, late, totals);
    }

    public void write(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(String.join(
                            "\t",
                            "S",
                            Integer.toString(topN),
                            Long.toString(totals.purchases()),
                            Long.toString(totals.duplicates()),
                            Long.toString(totals.conflicts()),
                            Long.toString(totals.late()),
                            Long.toString(totals.malformed()))
                    + "\n");
            for (Purchase p : purchases.stream().sorted(BY_TX).toList()) {
                out.write(line("P", p));
            }
            for (Purchase p : late.stream().sorted(BY_TX).toList()) {
                out.write(line("L", p));
            }
        }
    }

    public static ExpectedSalesRank read(Path file) throws IOException {
        int topN = 0;
        Totals totals = null;
        List<Purchase> purchases = new ArrayList<>();
        List<Purchase> late = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "S" -> {
                    topN = Integer.parseInt(f[1]);
                    totals = new Totals(
                            Long.parseLong(f[2]),
                            Long.parseLong(f[3]),
                            Long.parseLong(f[4]),
                            Long.parseLong(f[5]),
                            Long.parseLong(f[6]));
                }
                case "P" -> purchases.add(purchase(f));
                case "L" -> late.add(purchase(f));
                default -> throw new IOException(file + ": unknown line kind '" + f[0] + "'");
            }
        }
        if (totals == null) {
            throw new IOException(file + ": no S line; not a sales-rank truth file");
        }
        return new ExpectedSalesRank(topN, purchases, late, totals);
    }

    private static String line(String kind, Purchase p) {
        return String.join(
                        "\t",
                        kind,
                        p.getTxId(),
                        Long.toString(p.getTs()),
                        p.getProductId(),
                        Integer.toString(p.getQty()),
                        String.join(",", p.getCategoryIds()))
                + "\n";
    }

    private static Purchase purchase(String[] f) {
        return new Purchase(f[1], Long.parseLong(f[2]), f[3], Arrays.asList(f[5].split(",")), Integer.parseInt(f[4]));
    }
}
