package dev.tally.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.jobs.leaderboard.LeaderboardTables;
import dev.tally.jobs.leaderboard.PlayerName;
import dev.tally.loadgen.kit.Endpoints;
import dev.tally.loadgen.leaderboard.PlayerNamesCsv;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tally players}: the leaderboard's player profiles (display names), which the job does not write. */
@Command(
        name = "players",
        mixinStandardHelpOptions = true,
        description = "Players' display names, which the leaderboard API shows beside their scores.",
        subcommands = {PlayersCommand.Import.class})
final class PlayersCommand {

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = {
                "Upsert display names from a CSV file with the header user_id,display_name (RFC 4180 quoting) into",
                "<keyspace>.leaderboard_players, written at --updated-at so an older import never overwrites a newer",
                "name. A file with a bad line (a user id the API cannot take, an empty name, one over 64 characters or",
                "with a control character, a player on two lines) is refused whole, naming its lines."
            })
    static final class Import implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "FILE", description = "The players file.")
        Path file;

        @Option(names = "--keyspace", description = "Keyspace (default: ${DEFAULT-VALUE}).")
        String keyspace = "tally";

        @Option(names = "--updated-at", description = "The time the names are as of, ISO-8601 (default: now).")
        Instant updatedAt;

        @Mixin
        Endpoints endpoints;

        @Override
        public Integer call() throws InterruptedException {
            Map<String, String> names = PlayerNamesCsv.read(file, Import::invalid);
            long asOf = (updatedAt != null ? updatedAt : Instant.now()).toEpochMilli();
            try (CqlSession session = endpoints.cassandraSession("tally-players")) {
                AsyncRowWriter<PlayerName> writer =
                        new AsyncRowWriter<>(session, keyspace, LeaderboardTables.PLAYER_NAMES);
                names.forEach((user, name) -> writer.write(new PlayerName(user, name, asOf)));
                long written = writer.await();
                System.out.printf(
                        "Imported %,d display names into %s.%s as of %s.%n",
                        written, keyspace, LeaderboardTables.PLAYER_NAMES.name(), Instant.ofEpochMilli(asOf));
            }
            return 0;
        }

        private static String invalid(String[] row) {
            if (!PlayerName.USER_ID.matcher(row[0]).matches()) {
                return "user_id '" + row[0]
                        + "' is not 1 to 128 characters of letters, digits, '_', '.', ':', '@' or '-'";
            }
            return PlayerName.invalidName(row[1]);
        }
    }
}
