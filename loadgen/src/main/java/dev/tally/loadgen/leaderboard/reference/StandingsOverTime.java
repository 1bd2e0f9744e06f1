package dev.tally.loadgen.leaderboard.reference;

import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerKey;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerScore;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import dev.tally.schema.leaderboard.MatchResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The reference's top list of a tournament as of any time: the SPEC's list over the results published
 * by then (a result counts from its {@code published_at}, or its ts if that is later or not given). Each
 * tournament's results are taken in publication order as the times asked for advance, so checking every
 * list a run emitted costs one pass over its results: ask for a tournament's times in ascending order.
 */
public final class StandingsOverTime {

    /** From when a result counts: its publication, or its ts if that is later or it has none. */
    public static long countsFrom(MatchResult result) {
        Long published = result.getPublishedAt();
        return published == null ? result.getTs() : Math.max(result.getTs(), published);
    }

    private final int topK;
    private final Map<String, Tournament> tournaments = new HashMap<>();

    /** Over the valid results the job applied, in any order. */
    public StandingsOverTime(Iterable<MatchResult> results, int topK) {
        this.topK = topK;
        Map<String, List<MatchResult>> byTournament = new HashMap<>();
        for (MatchResult r : results) {
            byTournament
                    .computeIfAbsent(LeaderboardReference.tournament(r.getGame(), r.getTs()), t -> new ArrayList<>())
                    .add(r);
        }
        byTournament.forEach((name, list) -> {
            list.sort(Comparator.comparingLong(StandingsOverTime::countsFrom));
            tournaments.put(name, new Tournament(name, list));
        });
    }

    /**
     * The first K of {@code tournament} in display order, with competition ranks, over the results that
     * count by {@code asOf}. Times asked of one tournament must not go back.
     */
    public List<Ranked> topAsOf(String tournament, long asOf) {
        Tournament t = tournaments.get(tournament);
        return t == null ? List.of() : t.topAsOf(asOf, topK);
    }

    /** One tournament's results in the order they count, and its standings as far as they have been taken. */
    private static final class Tournament {
        private final String name;
        private final List<MatchResult> results;
        private final LeaderboardReference reference = new LeaderboardReference();
        private final Map<String, Ranked> current = new HashMap<>();
        private final TreeSet<Ranked> order = new TreeSet<>(LeaderboardStandings.DISPLAY_ORDER);
        private int taken;
        private long lastAsOf = Long.MIN_VALUE;

        Tournament(String name, List<MatchResult> results) {
            this.name = name;
            this.results = results;
        }

        List<Ranked> topAsOf(long asOf, int topK) {
            if (asOf < lastAsOf) {
                throw new IllegalArgumentException(name + ": asked as of " + asOf + " after " + lastAsOf);
            }
            lastAsOf = asOf;
            while (taken < results.size() && countsFrom(results.get(taken)) <= asOf) {
                MatchResult r = results.get(taken++);
                reference.add(r);
                PlayerScore s = reference.scoreOf(new PlayerKey(name, r.getUserId()));
                Ranked placed = new Ranked(r.getUserId(), s.score(), 0, s.reachedAt());
                Ranked before = current.put(r.getUserId(), placed);
                if (before != null) {
                    order.remove(before);
                }
                order.add(placed);
            }
            List<Ranked> top = new ArrayList<>(topK);
            long rank = 0;
            long previousScore = Long.MIN_VALUE;
            Iterator<Ranked> it = order.iterator();
            for (int i = 0; i < topK && it.hasNext(); i++) {
                Ranked r = it.next();
                // The first holder of a score has i players above it; the others share its rank.
                if (i == 0 || r.score() != previousScore) {
                    rank = i + 1;
                    previousScore = r.score();
                }
                top.add(new Ranked(r.userId(), r.score(), rank, r.reachedAt()));
            }
            return top;
        }
    }
}
