package dev.tally.loadgen;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.common.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Realistic ad clicks, deterministic for a seed: Zipf-skewed ad popularity, weighted countries, users
 * and their IPs, bounded disorder, and injected duplicates, late clicks and malformed records. Every
 * record is reported to the {@link GroundTruth} as it is produced.
 */
public final class AdClickGenerator implements Iterator<GeneratedRecord> {

    private static final String[] COUNTRIES = {"US", "IN", "GB", "DE", "BR", "JP", "FR", "CA", "MX", "AU", null};
    private static final double[] COUNTRY_CDF = cumulative(40, 12, 10, 8, 6, 5, 5, 4, 4, 4, 2);
    private static final String[] OFFICE_IPS = {"123.1.2.3", "123.1.2.4", "207.148.22.22"};

    private final GeneratorSettings settings;
    private final GroundTruth truth;
    private final SplittableRandom random;
    private final ZipfTable ads;
    private final AvroCodec<AdClickEvent> codec = AvroCodec.of(AdClickEvent.class);
    private final ArrayDeque<GeneratedRecord> recent = new ArrayDeque<>();
    private long index;

    public AdClickGenerator(GeneratorSettings settings, GroundTruth truth) {
        this.settings = settings;
        this.truth = truth;
        this.random = new SplittableRandom(settings.seed());
        this.ads = new ZipfTable(settings.ads(), settings.zipfExponent());
    }

    @Override
    public boolean hasNext() {
        return index < settings.records();
    }

    @Override
    public GeneratedRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        long i = index++;
        long base = settings.startMillis() + i * 1000 / settings.eventsPerSecond();
        double roll = random.nextDouble();
        GeneratedRecord record;
        if (roll < settings.malformedRate()) {
            record = malformed(i, base);
        } else if (roll < settings.malformedRate() + settings.lateRate()
                && base - settings.lateBy().toMillis() > settings.startMillis()) {
            AdClickEvent click = click(i, base - settings.lateBy().toMillis());
            truth.addLate(click);
            record = encoded(click, GeneratedRecord.Kind.LATE);
        } else if (roll < settings.malformedRate() + settings.lateRate() + settings.duplicateRate()
                && !recent.isEmpty()) {
            GeneratedRecord original = recent.pollFirst();
            truth.addDuplicate();
            record = new GeneratedRecord(
                    original.key(), original.value(), original.timestamp(), GeneratedRecord.Kind.DUPLICATE);
        } else {
            long disorder = settings.maxDisorder().toMillis() == 0
                    ? 0
                    : random.nextLong(settings.maxDisorder().toMillis() + 1);
            AdClickEvent click = click(i, Math.max(settings.startMillis(), base - disorder));
            truth.addClick(click);
            record = encoded(click, GeneratedRecord.Kind.CLICK);
            // Duplicates re-send a click seen shortly before, as a retrying client would.
            if (recent.size() == 64) {
                recent.pollFirst();
            }
            recent.addLast(record);
        }
        return record;
    }

    private AdClickEvent click(long i, long ts) {
        int ad = ads.sample(random);
        int user = random.nextInt(settings.users());
        String ip = random.nextInt(100) < 3
                ? OFFICE_IPS[random.nextInt(OFFICE_IPS.length)]
                : "10." + ((user >> 16) & 0xFF) + "." + ((user >> 8) & 0xFF) + "." + (user & 0xFF);
        return AdClickEvent.newBuilder()
                .setClickId(clickId(i))
                .setAdId(adId(ad))
                .setClickTs(ts)
                .setUserId("user" + user)
                .setIp(ip)
                .setCountry(COUNTRIES[pick(COUNTRY_CDF)])
                .build();
    }

    private GeneratedRecord encoded(AdClickEvent click, GeneratedRecord.Kind kind) {
        return new GeneratedRecord(
                click.getAdId().getBytes(StandardCharsets.UTF_8), codec.encode(click), click.getClickTs(), kind);
    }

    private GeneratedRecord malformed(long i, long base) {
        truth.addMalformed();
        byte[] key = adId(ads.sample(random)).getBytes(StandardCharsets.UTF_8);
        byte[] value;
        long timestamp = base;
        switch ((int) (i % 5)) {
            case 0 -> {
                value = new byte[1 + random.nextInt(40)];
                random.nextBytes(value);
                value[0] = '{'; // never the Avro marker
            }
            case 1 -> {
                byte[] valid = codec.encode(click(i, base));
                value = Arrays.copyOf(valid, 1 + random.nextInt(valid.length - 1));
            }
            case 2 ->
                value = codec.encode(
                        AdClickEvent.newBuilder(click(i, base)).setClickId("").build());
            // Two hours ahead of the stream and of the wall clock: on an input topic with LogAppendTime
            // the job compares with the broker's now.
            case 3 -> value = codec.encode(click(i, Math.max(base, System.currentTimeMillis()) + 2 * 3_600_000L));
            default ->
                value = AvroCodec.of(DeadLetter.class)
                        .encode(DeadLetter.newBuilder()
                                .setSourceTopic("x")
                                .setSourcePartition(0)
                                .setSourceOffset(0)
                                .setSourceTimestamp(0)
                                .setReason("not a click")
                                .setDetail("")
                                .setOriginal(ByteBuffer.allocate(0))
                                .build());
        }
        return new GeneratedRecord(key, value, timestamp, GeneratedRecord.Kind.MALFORMED);
    }

    private String clickId(long i) {
        long mixed = settings.seed() * 0x9E3779B97F4A7C15L + i;
        mixed ^= mixed >>> 33;
        mixed *= 0xff51afd7ed558ccdL;
        mixed ^= mixed >>> 33;
        return Long.toHexString(mixed) + "-" + Long.toHexString(i);
    }

    static String adId(int rank) {
        return String.format("ad%07d", rank + 1);
    }

    private int pick(double[] cdf) {
        double roll = random.nextDouble();
        for (int i = 0; i < cdf.length; i++) {
            if (roll < cdf[i]) {
                return i;
            }
        }
        return cdf.length - 1;
    }

    private static double[] cumulative(double... weights) {
        double total = Arrays.stream(weights).sum();
        double[] cdf = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cdf[i] = sum / total;
        }
        return cdf;
    }
}
