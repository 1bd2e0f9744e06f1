package dev.tally.loadgen.leaderboard;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Display names for the generator's players, the same for the same population: every tenth player has
 * none (the API shows null), and names hold what real ones do: accents, an apostrophe, a comma, CJK.
 */
final class PlayerDisplayNames {

    private static final String[] FIRST = {
        "Ada", "Zoë", "Bjørn", "Chloé", "Dmitri", "Émile", "Farah", "Gül", "Hiro", "Inès", "Jun", "Kai", "Léa", "Mateo",
        "Nadia", "Oskar", "Priya", "Quinn", "Rūta", "Sven", "小龙", "Tomás", "Uma", "Vera", "Wei", "Yara"
    };
    private static final String[] LAST = {
        "Kovač",
        "O'Brien",
        "Smith, Jr.",
        "Nguyễn",
        "Müller",
        "García",
        "Ivanova",
        "Okafor",
        "Tanaka",
        "Lindqvist",
        "Rossi",
        "Haddad",
        "Dubois",
        "Kim",
        "Novák",
        "Costa",
        "李"
    };

    private PlayerDisplayNames() {}

    /** The names of players {@code player-1} to {@code player-<players>} and the bot. */
    static Map<String, String> of(int players) {
        Map<String, String> names = new LinkedHashMap<>();
        names.put(LeaderboardGenerator.BOT, "The Bot");
        for (int i = 1; i <= players; i++) {
            if (i % 10 != 0) {
                names.put("player-" + i, FIRST[i % FIRST.length] + " " + LAST[(i / FIRST.length) % LAST.length]);
            }
        }
        return names;
    }
}
