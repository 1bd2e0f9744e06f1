package dev.tally.loadgen.salesrank;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.ZipfTable;
import dev.tally.schema.salesrank.Purchase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Realistic purchases, deterministic for a seed and start: products of Zipf-skewed popularity, each in
 * 1 to 3 fixed categories, mostly one unit (so totals tie often), a little disorder behind the stream
 * front, and injected faults, each a share of the records: re-sends of recent purchases, a recent tx_id
 * with another quantity (a conflict), new purchases far behind the front (late), and malformed records.
 * Each record is reported to the {@link SalesRankTruth} as it is handed out. Records are keyed by tx_id,
 * so the copies of a transaction stay in order on one partition.
 */
public final class SalesRankGenerator implements Iterator<GeneratedRecord> {

    private static final long HOUR = 3_600_000L;
    /** More than the job's watermark delay (15 s) and the generator's disorder. */
    private static final long RESEND_MARGIN_MILLIS = 60_000L;

    private final SalesRankSettings settings;
    private final SalesRankTruth truth;
    private final SplittableRandom random;
    private final ZipfTable popularity;
    private final AvroCodec<Purchase> codec = AvroCodec.of(Purchase.class);
    private final double[] stepCdf;
    private final List<Purchase> recent = new ArrayList<>();

    private long emitted;
    private long purchases;
    private long serial;
    private long malformed;

    public SalesRankGenerator(SalesRankSettings settings, SalesRankTruth truth) {
        this.settings = settings;
        this.truth = truth;
        this.random = new SplittableRandom(settings.seed());
        this.popularity = new ZipfTable(settings.products(), settings.zipfExponent());
        double[] shares = {
            settings.duplicateShare(), settings.conflictShare(), settings.lateShare(), settings.malformedShare()
        };
        stepCdf = new double[shares.length];
        double sum = 0;
        for (int i = 0; i < shares.length; i++) {
            sum += shares[i];
            stepCdf[i] = sum;
        }
    }

    @Override
    public boolean hasNext() {
        return emitted < settings.records();
    }

    @Override
    public GeneratedRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        emitted++;
        long front = settings.startMillis() + purchases * 1000 / settings.purchasesPerSecond();
        double step = random.nextDouble();
        Purchase original = step < stepCdf[1] ? resendable(front) : null;
        if (step < stepCdf[0] && original != null) {
            truth.duplicate(original);
            return record(original, front, GeneratedRecord.Kind.DUPLICATE);
        }
        if (step >= stepCdf[0] && step < stepCdf[1] && original != null) {
            Purchase conflict =
                    Purchase.newBuilder(original).setQty(original.getQty() + 1).build();
            truth.conflict(conflict);
            return record(conflict, front, GeneratedRecord.Kind.MALFORMED);
        }
        if (step >= stepCdf[1] && step < stepCdf[2]) {
            Purchase late = newPurchase(front - settings.lateBy().toMillis());
            truth.late(late);
            return record(late, front, GeneratedRecord.Kind.LATE);
        }
        if (step >= stepCdf[2] && step < stepCdf[3]) {
            truth.malformed();
            return malformed(front);
        }
        Purchase purchase = newPurchase(front - disorder());
        purchases++;
        if (recent.size() < 64) {
            recent.add(purchase);
        } else {
            recent.set(random.nextInt(64), purchase);
        }
        truth.purchase(purchase);
        return record(purchase, front, GeneratedRecord.Kind.PURCHASE);
    }

    /** The categories of product {@code index}: 1 to 3 of them, the same for every purchase of it. */
    List<String> categoriesOf(int index) {
        SplittableRandom fixed = new SplittableRandom(settings.seed() * 31 + index);
        int count = 1 + fixed.nextInt(3);
        List<String> categories = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String category = "category-" + (fixed.nextInt(settings.categories()) + 1);
            if (!categories.contains(category)) {
                categories.add(category);
            }
        }
        return categories;
    }

    private Purchase newPurchase(long ts) {
        int product = popularity.sample(random);
        int qty = random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(4);
        return new Purchase("tx-" + (++serial), ts, "product-" + (product + 1), categoriesOf(product), qty);
    }

    /**
     * A recent purchase to send again, or null: one whose hour ends a minute or more after the front,
     * so its copy reaches the job before its first window closes (a copy after that is late, which the
     * truth could not tell from a duplicate).
     */
    private Purchase resendable(long front) {
        if (recent.isEmpty()) {
            return null;
        }
        Purchase p = recent.get(random.nextInt(recent.size()));
        long hourEnd = Math.floorDiv(p.getTs(), HOUR) * HOUR + HOUR;
        return hourEnd - front >= RESEND_MARGIN_MILLIS ? p : null;
    }

    private GeneratedRecord record(Purchase p, long front, GeneratedRecord.Kind kind) {
        return new GeneratedRecord(key(p.getTxId()), codec.encode(p), front, kind);
    }

    /** One of five ways to be a dead letter, in turn. */
    private GeneratedRecord malformed(long front) {
        long kind = malformed++;
        String tx = "tx-" + (++serial);
        Purchase.Builder valid = Purchase.newBuilder()
                .setTxId(tx)
                .setTs(front)
                .setProductId("product-1")
                .setCategoryIds(categoriesOf(0))
                .setQty(1);
        byte[] value;
        switch ((int) (kind % 5)) {
            case 0 -> {
                value = new byte[1 + random.nextInt(40)];
                random.nextBytes(value);
                value[0] = '{'; // never the Avro marker
            }
            case 1 -> value = codec.encode(valid.setProductId("").build());
            case 2 -> value = codec.encode(valid.setQty(0).build());
            case 3 -> value = codec.encode(valid.setQty(100_000).build()); // above the job's --max-qty (1000)
            default -> value = codec.encode(valid.setCategoryIds(List.of()).build());
        }
        return new GeneratedRecord(key(tx), value, front, GeneratedRecord.Kind.MALFORMED);
    }

    private long disorder() {
        long max = settings.maxDisorder().toMillis();
        return max == 0 ? 0 : random.nextLong(max + 1);
    }

    private static byte[] key(String txId) {
        return txId.getBytes(StandardCharsets.UTF_8);
    }
}
