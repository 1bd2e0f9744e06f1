package dev.tally.loadgen.leaderboard;

import dev.tally.loadgen.leaderboard.reference.LeaderboardReference;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerKey;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.PlayerScore;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.Ranked;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.ScoreCount;
import dev.tally.loadgen.leaderboard.reference.LeaderboardStandings.ScoreKey;
import dev.tally.schema.leaderboard.MatchResult;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ground truth of a generated match-result stream, as {@code tally loadgen leaderboard --truth} writes
 * it and {@code tally verify leaderboard} reads it: the expected standings without the records sent beyond
 * the correction horizon, the effective results they come from, every valid record sent (those beyond
 * the horizon marked; the lists as of any time come from them), and what the generator sent.
 *
 * <p>Whether the job routes a record beyond the horizon to the late topic depends on its watermark at
 * the time, which a source reading one partition ahead of another holds back: the verifier takes the
 * records the late topic holds, and {@link #standingsApplying} gives the standings with the others applied.
 *
 * <p>The file is tab-separated, one line per fact, sorted so that a seed always gives the same file:
 * <pre>
 * S  top_k  results  corrections  duplicates  late_results  stale_duplicates  malformed
 * P  tournament  user_id  score  reached_at                    every player's final score
 * H  tournament  score  players  players_above                 every score held by at least one player
 * T  tournament  position  user_id  score  rank  reached_at    the top K, position 1..K
 * R  match_id  game  user_id  points  ts  revision            each (tournament, match, player)'s effective result
 * A  match_id  game  user_id  points  ts  revision  published_at  beyond   every valid record sent, in order
 * </pre>
 * {@code published_at} is empty where the record has none; {@code beyond} is 1 for a record sent beyond the horizon.
 * Times are epoch milliseconds.
 */
public record ExpectedLeaderboard(
        LeaderboardStandings standings, List<MatchResult> effective, List<Sent> sent, Totals totals) {

    /** A valid record as sent, and whether it was sent beyond the correction horizon. */
    public record Sent(MatchResult result, boolean beyondHorizon) {}

    /** The file's order: a truth read back equals the one written. */
    private static final Comparator<MatchResult> BY_IDENTITY = Comparator.comparing(
                    (MatchResult r) -> r.getMatchId().toString())
            .thenComparing(r -> r.getUserId().toString())
            .thenComparingInt(MatchResult::getRevision);

    public ExpectedLeaderboard {
        effective = effective.stream().sorted(BY_IDENTITY).toList();
    }

    /** The records sent beyond the correction horizon, in the order sent. */
    public List<MatchResult> beyondHorizon() {
        return sent.stream().filter(Sent::beyondHorizon).map(Sent::result).toList();
    }

    /** What the generator sent, by kind of record. */
    public record Totals(
            long results, long corrections, long duplicates, long lateResults, long staleDuplicates, long malformed) {

        /** Records the job must route to the late topic. */
        public long late() {
            return lateResults + staleDuplicates;
        }
    }

    /** The identities of the records sent beyond the correction horizon. */
    public Set<ResultId> late() {
        Set<ResultId> late = new HashSet<>();
        beyondHorizon().forEach(r -> late.add(ResultId.of(r)));
        return late;
    }

    /**
     * Every valid record the job applied: all but those it routed to the late topic ({@code routedLate},
     * of the records sent beyond the horizon).
     */
    public List<MatchResult> sentApplying(Set<ResultId> routedLate) {
        return sent.stream()
                .filter(s -> !s.beyondHorizon() || !routedLate.contains(ResultId.of(s.result())))
                .map(Sent::result)
                .toList();
    }

    /** The same truth with top lists of {@code topK}, recomputed from the players' scores if the file's K differs. */
    public ExpectedLeaderboard withTopK(int topK) {
        return topK == standings.topK()
                ? this
                : new ExpectedLeaderboard(
                        LeaderboardReference.standings(standings.players(), topK), effective, sent, totals);
    }

    /**
     * The standings when the job applied every record sent beyond the horizon except those it routed to
     * the late topic ({@code routedLate}): the reference run again over the effective results and those.
     */
    public LeaderboardStandings standingsApplying(Set<ResultId> routedLate) {
        List<MatchResult> applied = beyondHorizon().stream()
                .filter(r -> !routedLate.contains(ResultId.of(r)))
                .toList();
        if (applied.isEmpty()) {
            return standings;
        }
        LeaderboardReference reference = new LeaderboardReference();
        effective.forEach(reference::add);
        applied.forEach(reference::add);
        return reference.standings(standings.topK());
    }

    public void write(Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            Totals t = totals;
            line(
                    out,
                    "S",
                    standings.topK(),
                    t.results(),
                    t.corrections(),
                    t.duplicates(),
                    t.lateResults(),
                    t.staleDuplicates(),
                    t.malformed());
            List<Map.Entry<PlayerKey, PlayerScore>> players =
                    new ArrayList<>(standings.players().entrySet());
            players.sort(Map.Entry.comparingByKey(
                    Comparator.comparing(PlayerKey::tournament).thenComparing(PlayerKey::userId)));
            for (var e : players) {
                line(
                        out,
                        "P",
                        e.getKey().tournament(),
                        e.getKey().userId(),
                        e.getValue().score(),
                        e.getValue().reachedAt());
            }
            List<Map.Entry<ScoreKey, ScoreCount>> buckets =
                    new ArrayList<>(standings.histogram().entrySet());
            Comparator<ScoreKey> highestFirst =
                    Comparator.comparingLong(ScoreKey::score).reversed();
            buckets.sort(Map.Entry.comparingByKey(
                    Comparator.comparing(ScoreKey::tournament).thenComparing(highestFirst)));
            for (var e : buckets) {
                line(
                        out,
                        "H",
                        e.getKey().tournament(),
                        e.getKey().score(),
                        e.getValue().players(),
                        e.getValue().playersAbove());
            }
            for (String tournament : standings.top().keySet().stream().sorted().toList()) {
                List<Ranked> list = standings.top().get(tournament);
                for (int i = 0; i < list.size(); i++) {
                    Ranked r = list.get(i);
                    line(out, "T", tournament, i + 1, r.userId(), r.score(), r.rank(), r.reachedAt());
                }
            }
            for (MatchResult r : effective) {
                result(out, "R", r);
            }
            for (Sent r : sent) {
                MatchResult m = r.result();
                line(
                        out,
                        "A",
                        m.getMatchId(),
                        m.getGame(),
                        m.getUserId(),
                        m.getPoints(),
                        m.getTs(),
                        m.getRevision(),
                        m.getPublishedAt() == null ? "" : m.getPublishedAt(),
                        r.beyondHorizon() ? 1 : 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ExpectedLeaderboard read(Path file) {
        Map<PlayerKey, PlayerScore> players = new HashMap<>();
        Map<ScoreKey, ScoreCount> histogram = new HashMap<>();
        Map<String, List<Ranked>> top = new HashMap<>();
        List<MatchResult> effective = new ArrayList<>();
        List<Sent> sent = new ArrayList<>();
        Totals totals = null;
        int topK = 0;
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "S" -> {
                        topK = Integer.parseInt(f[1]);
                        totals = new Totals(
                                Long.parseLong(f[2]),
                                Long.parseLong(f[3]),
                                Long.parseLong(f[4]),
                                Long.parseLong(f[5]),
                                Long.parseLong(f[6]),
                                Long.parseLong(f[7]));
                    }
                    case "P" ->
                        players.put(
                                new PlayerKey(f[1], f[2]), new PlayerScore(Long.parseLong(f[3]), Long.parseLong(f[4])));
                    case "H" ->
                        histogram.put(
                                new ScoreKey(f[1], Long.parseLong(f[2])),
                                new ScoreCount(Long.parseLong(f[3]), Long.parseLong(f[4])));
                    case "T" -> {
                        List<Ranked> list = top.computeIfAbsent(f[1], t -> new ArrayList<>());
                        if (Integer.parseInt(f[2]) != list.size() + 1) {
                            throw new IllegalArgumentException(
                                    "Top list entries out of order in the truth file: " + line);
                        }
                        list.add(new Ranked(f[3], Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])));
                    }
                    case "R" -> effective.add(result(f));
                    case "A" -> {
                        MatchResult r = result(f);
                        r.setPublishedAt(f[7].isEmpty() ? null : Long.parseLong(f[7]));
                        sent.add(new Sent(r, "1".equals(f[8])));
                    }
                    default -> throw new IllegalArgumentException("Not a leaderboard truth file line: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (totals == null) {
            throw new IllegalArgumentException(file + " has no summary line: not a leaderboard truth file");
        }
        top.replaceAll((t, list) -> List.copyOf(list));
        return new ExpectedLeaderboard(
                new LeaderboardStandings(topK, players, histogram, top),
                List.copyOf(effective),
                List.copyOf(sent),
                totals);
    }

    private static void result(BufferedWriter out, String type, MatchResult r) throws IOException {
        line(out, type, r.getMatchId(), r.getGame(), r.getUserId(), r.getPoints(), r.getTs(), r.getRevision());
    }

    private static MatchResult result(String[] f) {
        return new MatchResult(
                f[1], f[2], f[3], Integer.parseInt(f[4]), Long.parseLong(f[5]), Integer.parseInt(f[6]), null);
    }

    private static void line(BufferedWriter out, String type, Object... fields) throws IOException {
        StringBuilder line = new StringBuilder(type);
        for (Object field : fields) {
            String text = String.valueOf(field);
            if (text.indexOf('\t') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("a truth file field cannot hold a tab or line break: " + text);
            }
            line.append('\t').append(text);
        }
        out.write(line.append('\n').toString());
    }
}
