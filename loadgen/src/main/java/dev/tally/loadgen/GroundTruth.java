package dev.tally.loadgen;

import dev.tally.loadgen.reference.ReferenceFilters;
import dev.tally.loadgen.reference.ReferenceTime;
import dev.tally.schema.adclick.AdClickEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The exact expected result of a generated stream: clicks per (ad, filter, minute) and per (ad, minute,
 * country), counting every unique valid click, plus the clicks injected as late. The job may send a
 * late click to the late topic (then it is not counted) or, if the watermark had not passed it yet,
 * count it; the verifier subtracts exactly those found in the late topic.
 *
 * <p>The keyed counts grow with every (ad, minute) the stream covers: at 50,000 clicks/s over 2,000,000
 * ads they filled a 6 GiB heap in about an hour. A stream that no one will verify keeps only the
 * totals ({@link #totalsOnly()}).
 */
public final class GroundTruth {

    /** A click injected behind the watermark, with everything needed to subtract it. */
    public record LateClick(String adId, long minute, String country, int[] filterIds) {}

    private final ReferenceFilters filters;
    /** False for {@link #totalsOnly()}: then only the totals below are kept. */
    private final boolean keyed;

    private final Map<CountKey, Long> counts = new HashMap<>();
    private final Map<CountryKey, Long> countryCounts = new HashMap<>();
    private final Map<String, LateClick> late = new HashMap<>();
    private long clicks;
    private long lateClicks;
    private long duplicates;
    private long malformed;

    /** A keyed truth: counts per (ad, filter, minute) with {@code filters} read from the SPEC's rules. */
    public GroundTruth(ReferenceFilters filters) {
        this(filters, true);
    }

    private GroundTruth(ReferenceFilters filters, boolean keyed) {
        this.filters = filters;
        this.keyed = keyed;
    }

    /** A truth that counts clicks, late clicks, duplicates and malformed records, and keeps no key. */
    public static GroundTruth totalsOnly() {
        return new GroundTruth(ReferenceFilters.allOnly(), false);
    }

    /** (ad, filter, minute). */
    public record CountKey(String adId, int filterId, long minute) {}

    /** (ad, minute, country); country "" when the click had none. */
    public record CountryKey(String adId, long minute, String country) {}

    void addClick(AdClickEvent click) {
        clicks++;
        if (!keyed) {
            return;
        }
        long minute = ReferenceTime.minuteOf(click.getClickTs());
        for (int filter : filters.matching(click.getCountry(), click.getIp(), click.getUserId())) {
            counts.merge(new CountKey(click.getAdId(), filter, minute), 1L, Long::sum);
        }
        String country = click.getCountry() == null ? "" : click.getCountry();
        countryCounts.merge(new CountryKey(click.getAdId(), minute, country), 1L, Long::sum);
    }

    void addLate(AdClickEvent click) {
        lateClicks++;
        addClick(click);
        if (!keyed) {
            return;
        }
        late.put(
                click.getClickId(),
                new LateClick(
                        click.getAdId(),
                        ReferenceTime.minuteOf(click.getClickTs()),
                        click.getCountry() == null ? "" : click.getCountry(),
                        filters.matching(click.getCountry(), click.getIp(), click.getUserId())));
    }

    void addDuplicate() {
        duplicates++;
    }

    void addMalformed() {
        malformed++;
    }

    public Map<CountKey, Long> counts() {
        requireKeyed();
        return counts;
    }

    public Map<CountryKey, Long> countryCounts() {
        requireKeyed();
        return countryCounts;
    }

    public Map<String, LateClick> late() {
        requireKeyed();
        return late;
    }

    /** Unique valid clicks, late ones included. */
    public long clicks() {
        return clicks;
    }

    /** Clicks injected late, included in {@link #clicks()}. */
    public long lateClicks() {
        return lateClicks;
    }

    public long duplicates() {
        return duplicates;
    }

    public long malformed() {
        return malformed;
    }

    /** Writes the truth as tab-separated lines: C (count), K (country count), L (late click), S (summary). */
    public void write(Path file) {
        requireKeyed();
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("S\t" + clicks + "\t" + duplicates + "\t" + malformed + "\n");
            for (var e : counts.entrySet()) {
                CountKey k = e.getKey();
                out.write("C\t" + k.adId() + "\t" + k.filterId() + "\t" + k.minute() + "\t" + e.getValue() + "\n");
            }
            for (var e : countryCounts.entrySet()) {
                CountryKey k = e.getKey();
                out.write("K\t" + k.adId() + "\t" + k.minute() + "\t" + k.country() + "\t" + e.getValue() + "\n");
            }
            for (var e : late.entrySet()) {
                LateClick l = e.getValue();
                out.write("L\t" + e.getKey() + "\t" + l.adId() + "\t" + l.minute() + "\t" + l.country() + "\t"
                        + Arrays.stream(l.filterIds())
                                .mapToObj(Integer::toString)
                                .collect(Collectors.joining(","))
                        + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GroundTruth read(Path file) {
        GroundTruth truth = new GroundTruth(ReferenceFilters.allOnly());
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "S" -> {
                        truth.clicks = Long.parseLong(f[1]);
                        truth.duplicates = Long.parseLong(f[2]);
                        truth.malformed = Long.parseLong(f[3]);
                    }
                    case "C" ->
                        truth.counts.put(
                                new CountKey(f[1], Integer.parseInt(f[2]), Long.parseLong(f[3])), Long.parseLong(f[4]));
                    case "K" ->
                        truth.countryCounts.put(new CountryKey(f[1], Long.parseLong(f[2]), f[3]), Long.parseLong(f[4]));
                    case "L" ->
                        truth.late.put(
                                f[1],
                                new LateClick(
                                        f[2],
                                        Long.parseLong(f[3]),
                                        f[4],
                                        f[5].isEmpty()
                                                ? new int[0]
                                                : Arrays.stream(f[5].split(","))
                                                        .mapToInt(Integer::parseInt)
                                                        .toArray()));
                    default -> throw new IllegalArgumentException("Not a truth file line: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        truth.lateClicks = truth.late.size();
        return truth;
    }

    private void requireKeyed() {
        if (!keyed) {
            throw new IllegalStateException("this ground truth keeps only totals (GroundTruth.totalsOnly())");
        }
    }
}
