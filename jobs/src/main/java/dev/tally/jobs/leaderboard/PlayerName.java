package dev.tally.jobs.leaderboard;

import java.util.regex.Pattern;

/**
 * A player's display name (the books' user profile), as of {@code updatedAt}: not the job's result but
 * the leaderboard API's, joined to the scores it reads ({@link LeaderboardTables#PLAYER_NAMES}).
 */
public record PlayerName(String userId, String displayName, long updatedAt) {

    /** What a user id may be: the match results' ids the API accepts. */
    public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,128}");

    public static final int MAX_NAME = 64;

    /** Why {@code displayName} cannot be a display name, or null when it can. */
    public static String invalidName(String displayName) {
        if (displayName == null || displayName.isBlank()) {
            return "display_name is empty";
        }
        if (displayName.codePointCount(0, displayName.length()) > MAX_NAME) {
            return "display_name is longer than " + MAX_NAME + " characters";
        }
        if (displayName.codePoints().anyMatch(Character::isISOControl)) {
            return "display_name holds a control character";
        }
        return null;
    }
}
