package dev.tally.dashboard;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** Reads and checks query parameters; every violation names the parameter and the rule. */
final class Params {

    private static final Pattern AD_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyyMMddHHmm");

    private Params() {}

    static String adId(Context ctx) {
        String adId = ctx.pathParam("ad_id");
        if (!AD_ID.matcher(adId).matches()) {
            throw new BadParameter("ad_id", "must be 1 to 128 characters of letters, digits, '_', '.', ':' or '-'");
        }
        return adId;
    }

    static int integer(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new BadParameter(name, "must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new BadParameter(name, "must be an integer between " + min + " and " + max);
        }
    }

    /**
     * A whole minute, as {@code yyyyMMddHHmm} (UTC, the books' click_minute format) or an ISO-8601
     * instant such as {@code 2026-11-23T10:15:00Z}.
     */
    static Instant minute(Context ctx, String name, Instant fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        Instant instant;
        try {
            instant = value.matches("\\d{12}")
                    ? LocalDateTime.parse(value, MINUTE).toInstant(ZoneOffset.UTC)
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadParameter(name, "must be a minute as yyyyMMddHHmm (UTC) or an ISO-8601 instant");
        }
        if (!instant.truncatedTo(ChronoUnit.MINUTES).equals(instant)) {
            throw new BadParameter(name, "must be a whole minute (no seconds)");
        }
        return instant;
    }

    /** [from, to) with from before to and at most {@code maxMinutes} apart. */
    static Instant[] range(Context ctx, Instant now, long maxMinutes) {
        Instant to = minute(ctx, "to", now.truncatedTo(ChronoUnit.MINUTES));
        Instant from = minute(ctx, "from", to.minus(1, ChronoUnit.MINUTES));
        if (!from.isBefore(to)) {
            throw new BadParameter("from", "must be before 'to'");
        }
        if (ChronoUnit.MINUTES.between(from, to) > maxMinutes) {
            throw new BadParameter("to", "must be at most " + maxMinutes + " minutes after 'from'");
        }
        return new Instant[] {from, to};
    }
}
