package dev.tally.jobs.leaderboard.functions;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** A tournament is a game and a UTC calendar month of event time: {@code chess#2026-12}. */
public final class Tournaments {

    private static final long DAY = 86_400_000L;

    private Tournaments() {}

    /** The tournament of a result of {@code game} at {@code ts}. */
    public static String of(String game, long ts) {
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(ts, DAY));
        int month = day.getMonthValue();
        return game + "#" + day.getYear() + (month < 10 ? "-0" : "-") + month;
    }

    /**
     * Whether {@code tournament}'s month lies within [fromMillis, toMillis): a replay of that range
     * recalculates the whole tournament.
     */
    public static boolean within(String tournament, long fromMillis, long toMillis) {
        long start = startOf(tournament);
        return start >= fromMillis && endOf(start) <= toMillis;
    }

    /** The first millisecond of {@code tournament}'s month. */
    public static long startOf(String tournament) {
        YearMonth month = YearMonth.parse(tournament.substring(tournament.lastIndexOf('#') + 1));
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** The first millisecond after the month of {@code ts}: when its tournaments end. */
    public static long endOf(long ts) {
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(ts, DAY));
        return day.withDayOfMonth(1)
                .plusMonths(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
    }
}
