package dev.tally.jobs.adclick.functions;

import dev.tally.schema.adclick.AdClickEvent;
import java.time.Instant;

/** Test fixtures: clicks and minutes from a fixed instant, never the wall clock. */
final class AdClicks {

    /** A minute boundary. */
    static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();

    private AdClicks() {}

    /** Start of the i-th minute after T0. */
    static long minute(int i) {
        return T0 + i * Minutes.MILLIS;
    }

    static AdClickEvent click(String clickId, String adId, long ts) {
        return click(clickId, adId, ts, null, null, null);
    }

    static AdClickEvent click(String clickId, String adId, long ts, String country) {
        return click(clickId, adId, ts, country, null, null);
    }

    static AdClickEvent click(String clickId, String adId, long ts, String country, String ip, String userId) {
        return AdClickEvent.newBuilder()
                .setClickId(clickId)
                .setAdId(adId)
                .setClickTs(ts)
                .setCountry(country)
                .setIp(ip)
                .setUserId(userId)
                .build();
    }

    static AdClickEvent clickFrom(String country, String ip, String userId) {
        return click("c", "ad", T0, country, ip, userId);
    }
}
