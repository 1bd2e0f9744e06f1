package dev.tally.loadgen.leaderboard;

import dev.tally.connectors.kafka.Topics;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.LoadProducer;
import dev.tally.loadgen.kit.Endpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./tally loadgen leaderboard}: realistic match results with injected faults, and their exact ground truth. */
@Command(
        name = "leaderboard",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write Avro match results to Kafka: two-player matches between players of Zipf-skewed activity and a bot,",
            "a little disorder, and injected duplicates, corrections (next revision, winner swapped), late results and",
            "stale re-sends beyond the job's 1 h correction horizon, and malformed records. With --truth, also write",
            "the exact expected scores, histogram and top K for 'tally verify leaderboard'."
        })
public final class LeaderboardLoadgenCommand implements Callable<Integer> {
    @Option(names = "--events", required = true, description = "Records to write, faults included.")
    long events;

    @Option(
            names = "--rate",
            description = "Records per second of wall time; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--event-rate", description = "Matches per second of event time (default: ${DEFAULT-VALUE}).")
    long eventRate = 5;

    @Option(
            names = "--start",
            description =
                    "Event time of the first match, ISO-8601 (default: now minus the span the records cover minus a minute).")
    Instant start;

    /** Fed live: the stream's front follows the wall clock (see {@link #live}). */
    private boolean live;

    @Option(names = "--players", description = "Distinct players besides the bot (default: ${DEFAULT-VALUE}).")
    int players = 20_000;

    @Option(names = "--zipf", description = "Zipf exponent of player activity (default: ${DEFAULT-VALUE}).")
    double zipf = 0.9;

    @Option(
            names = "--games",
            description = "Games (chess, go, shogi, ...), each a tournament a month (default: ${DEFAULT-VALUE}).")
    int games = 2;

    @Option(
            names = "--disorder",
            description = "Maximum distance of a result's ts behind the stream front (default: ${DEFAULT-VALUE}).")
    Duration disorder = Duration.ofMillis(500);

    @Option(
            names = "--duplicates",
            description = "Share of records that re-send a recent record (default: ${DEFAULT-VALUE}).")
    double duplicates = 0.01;

    @Option(
            names = "--corrections",
            description =
                    "Share of records that correct a match of the last 10 minutes: next revision, winner swapped (default: ${DEFAULT-VALUE}).")
    double corrections = 0.01;

    @Option(
            names = "--late",
            description =
                    "Share of records that are new matches --late-by behind the front (default: ${DEFAULT-VALUE}).")
    double late = 0.002;

    @Option(
            names = "--late-by",
            description =
                    "How far behind late matches are; more than the job's correction horizon plus any skew of its partitions (default: ${DEFAULT-VALUE}).")
    Duration lateBy = Duration.ofHours(3);

    @Option(
            names = "--stale-duplicates",
            description =
                    "Share of records that re-send a record more than --stale-by behind the front (default: ${DEFAULT-VALUE}).")
    double staleDuplicates = 0.001;

    @Option(
            names = "--stale-by",
            description = "How far behind the front a stale re-send's ts is at least (default: ${DEFAULT-VALUE}).")
    Duration staleBy = Duration.ofHours(2);

    @Option(names = "--malformed", description = "Share of malformed records (default: ${DEFAULT-VALUE}).")
    double malformed = 0.001;

    @Option(
            names = "--bot-matches",
            description = "Share of matches the bot player '" + LeaderboardGenerator.BOT
                    + "' plays (default: ${DEFAULT-VALUE}).")
    double botMatches = 0.02;

    @Option(
            names = "--seed",
            description = "Random seed; the same seed and --start give the same records (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--topic", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic = Topics.MATCH_RESULTS;

    @Option(
            names = "--top-k",
            description = "The job's --top-k, for the expected top lists (default: ${DEFAULT-VALUE}).")
    int topK = 10;

    @Mixin
    Endpoints endpoints;

    @Option(
            names = "--truth",
            description =
                    "Where to write the ground truth. Without it only the totals are kept, so a run of any length fits in memory.")
    Path truthFile;

    @Option(
            names = "--players-file",
            description = "Also write the players' display names there, as CSV for 'tally players import' (every tenth"
                    + " player has none).")
    Path playersFile;

    /** For callers in code (the demo, the bench): these endpoints, topic and records, the other options at their defaults. */
    public static LeaderboardLoadgenCommand of(Endpoints endpoints, String topic, long events) {
        LeaderboardLoadgenCommand command = new LeaderboardLoadgenCommand();
        command.endpoints = endpoints;
        command.topic = topic;
        command.events = events;
        return command;
    }

    /** Players and games, with {@code matchesPerSecond} of event time. */
    public LeaderboardLoadgenCommand population(int players, int games, long matchesPerSecond) {
        this.players = players;
        this.games = games;
        this.eventRate = matchesPerSecond;
        return this;
    }

    /**
     * A live feed: {@code recordsPerSecond} of wall time, event time starting now and keeping pace (two
     * records a match, the faults' share aside), never behind the wall clock: a record's event and
     * publication times are when it is generated, at the latest.
     */
    public LeaderboardLoadgenCommand live(long recordsPerSecond) {
        this.live = true;
        this.rate = recordsPerSecond;
        this.eventRate = Math.max(1, recordsPerSecond / 2);
        this.start = Instant.now();
        return this;
    }

    @Override
    public Integer call() {
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k must be at least 1, was " + topK);
        }
        // Only new matches advance event time: two records each, the faults' share aside.
        double matchRecords = 1 - duplicates - corrections - late - staleDuplicates - malformed;
        long first = start != null
                ? start.toEpochMilli()
                : System.currentTimeMillis() - (long) (events * matchRecords / 2 * 1000 / eventRate) - 60_000;
        LeaderboardSettings settings = new LeaderboardSettings(
                seed,
                events,
                players,
                zipf,
                games,
                eventRate,
                first,
                disorder,
                duplicates,
                corrections,
                late,
                lateBy,
                staleDuplicates,
                staleBy,
                malformed,
                botMatches);
        LeaderboardTruth truth = truthFile == null ? LeaderboardTruth.totalsOnly() : new LeaderboardTruth();
        Supplier<Iterator<GeneratedRecord>> records =
                () -> new LeaderboardGenerator(settings, truth, live ? System::currentTimeMillis : null);
        long begin = System.nanoTime();
        long sent = LoadProducer.produce(
                endpoints.kafka(),
                topic,
                records,
                rate,
                n -> System.out.printf("  %,d records (%.0f%%)%n", n, 100.0 * n / events));
        double seconds = (System.nanoTime() - begin) / 1e9;
        ExpectedLeaderboard.Totals t = truth.totals();
        System.out.printf(
                "Wrote %,d records to %s in %.1f s (%,.0f/s): %,d results, %,d corrections, %,d duplicates, %,d late results,"
                        + " %,d stale duplicates, %,d malformed.%n",
                sent,
                topic,
                seconds,
                sent / seconds,
                t.results(),
                t.corrections(),
                t.duplicates(),
                t.lateResults(),
                t.staleDuplicates(),
                t.malformed());
        if (truthFile != null) {
            truth.expected(topK).write(truthFile);
            System.out.println("Ground truth: " + truthFile);
        }
        if (playersFile != null) {
            Map<String, String> names = PlayerDisplayNames.of(players);
            PlayerNamesCsv.write(playersFile, names);
            System.out.printf("Display names of %,d players: %s%n", names.size(), playersFile);
        }
        return 0;
    }
}
