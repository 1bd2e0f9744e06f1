package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** The ad-click queries of the dashboard bench, checked against the {@link ClickModel}. */
final class AdClickWorkload implements DashboardWorkload {

    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

    private final ClickModel model;
    private final Instant day;
    private final int ads;
    private final Random random = new Random(20261123L);
    private final ClickModel.TopList[] latestTop = new ClickModel.TopList[ClickModel.WINDOWS.size()];

    AdClickWorkload(ClickModel model, Instant day, int ads) {
        this.model = model;
        this.day = day;
        this.ads = ads;
        for (int i = 0; i < ClickModel.WINDOWS.size(); i++) {
            latestTop[i] = model.top(ClickModel.WINDOWS.get(i), ClickModel.MINUTES);
        }
    }

    @Override
    public List<String> labels() {
        return List.of("GET /v1/ads/{ad_id}/aggregated_count", "GET /v1/ads/popular_ads");
    }

    @Override
    public Query next(int kind) {
        return kind == 0 ? aggregatedCount() : popularAds();
    }

    @Override
    public String describeQueries() {
        return String.format(
                Locale.ROOT,
                "aggregated_count: a uniformly random ad of %,d and a random range of 1 to 60 minutes inside the day, the"
                        + " count checked against the exact sum; popular_ads: count 10 or 100, window 1, 5 or 60, the ad list"
                        + " and window_end checked.",
                ads);
    }

    /** A uniformly random ad, a random range of 1 to 60 minutes inside the day; the answer must be the exact sum. */
    private Query aggregatedCount() {
        int rank = 1 + random.nextInt(ads);
        int length = 1 + random.nextInt(60);
        int from = random.nextInt(ClickModel.MINUTES - length + 1);
        long expected = model.sum(rank, from, from + length);
        String adId = ClickModel.adId(rank);
        String path = "/v1/ads/" + adId + "/aggregated_count?from=" + MINUTE.format(day.plusSeconds(60L * from))
                + "&to=" + MINUTE.format(day.plusSeconds(60L * (from + length))) + "&filter=" + ClickModel.FILTER;
        return new Query(path, body -> {
            JsonNode count = body.get("count");
            if (count == null || !count.canConvertToLong()) {
                return "no count: " + DashboardLoadDriver.abbreviate(body.toString());
            }
            return count.asLong() == expected ? null : adId + " count " + count.asLong() + ", expected " + expected;
        });
    }

    /** count 10 or 100, window 1, 5 or 60: the answer must be the day's last window and its top list. */
    private Query popularAds() {
        int count = random.nextBoolean() ? 10 : 100;
        int w = random.nextInt(ClickModel.WINDOWS.size());
        int window = ClickModel.WINDOWS.get(w);
        List<String> expected = latestTop[w]
                .adIds()
                .subList(0, Math.min(count, latestTop[w].adIds().size()));
        String windowEnd = day.plusSeconds(60L * ClickModel.MINUTES).toString();
        String path = "/v1/ads/popular_ads?count=" + count + "&window=" + window + "&filter=" + ClickModel.FILTER;
        return new Query(path, body -> {
            JsonNode list = body.get("ads");
            JsonNode ids = body.get("ad_ids");
            if (list == null || !list.isArray() || ids == null || !ids.isArray()) {
                return "no ads: " + DashboardLoadDriver.abbreviate(body.toString());
            }
            List<String> got = new ArrayList<>();
            ids.forEach(id -> got.add(id.asText()));
            if (list.size() != expected.size() || !got.equals(expected)) {
                return "window " + window + " count " + count + ": " + got.size() + " ads, not the expected list";
            }
            return windowEnd.equals(body.path("window_end").asText())
                    ? null
                    : "window_end " + body.path("window_end").asText() + ", expected " + windowEnd;
        });
    }
}
