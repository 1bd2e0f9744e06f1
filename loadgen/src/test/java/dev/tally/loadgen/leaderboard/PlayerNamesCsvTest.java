package dev.tally.loadgen.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlayerNamesCsvTest {

    private static final Function<String[], String> ANY = row -> row[1].isEmpty() ? "display_name is empty" : null;

    @TempDir
    Path dir;

    @Test
    void namesWithCommasQuotesAndAccentsComeBackAsWritten() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("player-1", "Zoë \"Z\" Kovač");
        names.put("player-2", "Smith, Jr.");
        names.put("player-3", "李小龙");
        Path file = dir.resolve("players.csv");

        PlayerNamesCsv.write(file, names);

        assertThat(PlayerNamesCsv.read(file, ANY)).containsExactlyEntriesOf(names);
    }

    @Test
    void aFileWithABadLineIsRefusedWholeNamingTheLines() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.csv"), """
                user_id,display_name
                player-1,Ada
                player-2,
                player-1,Ada again
                """);

        assertThatThrownBy(() -> PlayerNamesCsv.read(file, ANY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 bad line(s), nothing imported")
                .hasMessageContaining("line 3: display_name is empty")
                .hasMessageContaining("line 4: user_id player-1 is on line 2 too");
    }

    @Test
    void aFileOfAnotherKindIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("other.csv"), "id,name\nplayer-1,Ada\n");

        assertThatThrownBy(() -> PlayerNamesCsv.read(file, ANY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a players file (CSV with the header user_id,display_name)");
    }
}
