package dev.tally.loadgen.leaderboard.reference;

import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerKey;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerScore;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.ScoreCount;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.ScoreKey;
import dev.tally.schema.leaderboard.MatchResult;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leaderboard's expected final state, computed from the SPEC's rules (the job's README) directly on
 * the whole input, so it can check the job's incremental, event-time computation: written apart from
 * the job and importing nothing of it, since a truth sharing the job's code could not catch its bugs.
 *
 * <p>Feed it the valid results the job must apply (not the dead letters, not the late ones), in any
 * order: duplicates and superseded revisions are resolved here as the SPEC says. Memory is one small
 * entry per (tournament, match, player); the sorting happens once per tournament at the end, so a
 * million results take a second or two.
 */
public final class LeaderboardReference {

    /** The effective result of one (tournament, match, player) so far. */
    private record Effective(int revision, int points, long ts) {

        /** The SPEC's rule: the higher revision counts; of equal revisions, the one with more points. */
        boolean isReplacedBy(Effective other) {
            return other.revision > revision || (other.revision == revision && other.points > points);
        }
    }

    /** (tournament, player) to match_id to its effective result. */
    private final Map<PlayerKey, Map<String, Effective>> results = new HashMap<>();

    /** The expected state of these results, with top lists of {@code topK}. */
    public static LeaderboardStandings compute(Iterable<MatchResult> validResults, int topK) {
        LeaderboardReference reference = new LeaderboardReference();
        validResults.forEach(reference::add);
        return reference.standings(topK);
    }

    /** {@code game#yyyy-MM}: the game and the UTC month of {@code ts}. */
    public static String tournament(String game, long ts) {
        ZonedDateTime utc = Instant.ofEpochMilli(ts).atZone(ZoneOffset.UTC);
        return String.format("%s#%04d-%02d", game, utc.getYear(), utc.getMonthValue());
    }

    /** Takes one valid result the job applies. */
    public void add(MatchResult result) {
        add(
                result.getMatchId(),
                result.getGame(),
                result.getUserId(),
                result.getPoints(),
                result.getTs(),
                result.getRevision());
    }

    public void add(String matchId, String game, String userId, int points, long ts, int revision) {
        Effective candidate = new Effective(revision, points, ts);
        results.computeIfAbsent(new PlayerKey(tournament(game, ts), userId), k -> new HashMap<>())
                .merge(matchId, candidate, (current, next) -> current.isReplacedBy(next) ? next : current);
    }

    /**
     * Each (tournament, match, player)'s effective result, as a record: what a reference started again
     * from needs of these results (the rest changes nothing).
     */
    public List<MatchResult> effectiveResults() {
        List<MatchResult> all = new ArrayList<>();
        results.forEach((player, matches) -> {
            String game = player.tournament().substring(0, player.tournament().lastIndexOf('#'));
            matches.forEach((matchId, e) ->
                    all.add(new MatchResult(matchId, game, player.userId(), e.points(), e.ts(), e.revision(), null)));
        });
        return all;
    }

    /** Every player's score and reached_at. */
    public Map<PlayerKey, PlayerScore> scores() {
        Map<PlayerKey, PlayerScore> scores = new HashMap<>(results.size() * 2);
        results.forEach((player, matches) -> scores.put(player, score(matches.values())));
        return scores;
    }

    /** One player's score and reached_at over the results taken so far; null if it has none. */
    public PlayerScore scoreOf(PlayerKey player) {
        Map<String, Effective> matches = results.get(player);
        return matches == null ? null : score(matches.values());
    }

    /** The histogram and top lists of the results taken so far. */
    public LeaderboardStandings standings(int topK) {
        return standings(scores(), topK);
    }

    /**
     * The histogram and the top {@code topK} of each tournament from the players' scores alone: rank = 1 +
     * the players of the tournament with a strictly higher score; the list is the first K in display order.
     */
    public static LeaderboardStandings standings(Map<PlayerKey, PlayerScore> players, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("top K must be at least 1, was " + topK);
        }
        Map<String, List<Ranked>> byTournament = new HashMap<>();
        players.forEach((player, s) -> byTournament
                .computeIfAbsent(player.tournament(), t -> new ArrayList<>())
                .add(new Ranked(player.userId(), s.score(), 0, s.reachedAt())));
        Map<ScoreKey, ScoreCount> histogram = new HashMap<>();
        Map<String, List<Ranked>> top = new HashMap<>();
        byTournament.forEach((tournament, list) -> {
            list.sort(LeaderboardStandings.DISPLAY_ORDER);
            List<Ranked> first = new ArrayList<>(Math.min(topK, list.size()));
            int i = 0;
            while (i < list.size()) {
                // list[i] is the first holder of its score: i players hold a higher one.
                long score = list.get(i).score();
                int end = i;
                while (end < list.size() && list.get(end).score() == score) {
                    if (end < topK) {
                        Ranked r = list.get(end);
                        first.add(new Ranked(r.userId(), score, i + 1L, r.reachedAt()));
                    }
                    end++;
                }
                histogram.put(new ScoreKey(tournament, score), new ScoreCount(end - i, i));
                i = end;
            }
            top.put(tournament, List.copyOf(first));
        });
        return new LeaderboardStandings(topK, Map.copyOf(players), histogram, top);
    }

    /**
     * Score = the sum of the effective results' points; reached_at = the latest ts of those with points,
     * or, when none has any (score 0), the earliest ts of all of them.
     */
    private static PlayerScore score(Iterable<Effective> effective) {
        long score = 0;
        long latestWithPoints = Long.MIN_VALUE;
        long earliest = Long.MAX_VALUE;
        for (Effective e : effective) {
            score += e.points();
            earliest = Math.min(earliest, e.ts());
            if (e.points() > 0) {
                latestWithPoints = Math.max(latestWithPoints, e.ts());
            }
        }
        return new PlayerScore(score, latestWithPoints != Long.MIN_VALUE ? latestWithPoints : earliest);
    }
}
