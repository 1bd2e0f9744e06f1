package dev.tally.loadgen.leaderboard;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The players file {@code ./tally players import} reads and the leaderboard's load generator writes:
 * CSV (RFC 4180 quoting) with the header {@code user_id,display_name}, one player per line.
 */
public final class PlayerNamesCsv {

    static final String USER_ID = "user_id";
    static final String DISPLAY_NAME = "display_name";
    private static final CsvSchema SCHEMA = CsvSchema.builder()
            .addColumn(USER_ID)
            .addColumn(DISPLAY_NAME)
            .setUseHeader(true)
            .build();
    private static final CsvMapper CSV = new CsvMapper();
    /** Errors listed at most, so a file of the wrong kind does not print a million lines. */
    private static final int MAX_ERRORS = 20;

    private PlayerNamesCsv() {}

    public static void write(Path file, Map<String, String> names) {
        try (SequenceWriter out = CSV.writer(SCHEMA).writeValues(file.toFile())) {
            for (Map.Entry<String, String> name : names.entrySet()) {
                out.write(List.of(name.getKey(), name.getValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /**
     * Every player's name in file order, each line checked by {@code invalid} (user id and name: the
     * reason it cannot be, or null). A file with any bad line, or a player on two lines, is refused
     * whole with the lines named: importing part of a file leaves a table no one can reason about.
     */
    public static Map<String, String> read(Path file, Function<String[], String> invalid) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Long> lineOf = new HashMap<>();
        List<String> errors = new ArrayList<>();
        long badLines = 0;
        try (MappingIterator<Map<String, String>> rows = CSV.readerForMapOf(String.class)
                .with(SCHEMA.withStrictHeaders(true))
                .readValues(file.toFile())) {
            while (rows.hasNextValue()) {
                long line = rows.getCurrentLocation().getLineNr();
                Map<String, String> row = rows.nextValue();
                String user = row.get(USER_ID);
                String name = row.get(DISPLAY_NAME);
                String why = user == null || name == null
                        ? "expected two columns, user_id and display_name"
                        : invalid.apply(new String[] {user, name});
                if (why == null && lineOf.containsKey(user)) {
                    why = "user_id " + user + " is on line " + lineOf.get(user) + " too";
                }
                if (why != null) {
                    badLines++;
                    if (errors.size() < MAX_ERRORS) {
                        errors.add("line " + line + ": " + why);
                    }
                    continue;
                }
                lineOf.put(user, line);
                names.put(user, name);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    file + " is not a players file (CSV with the header user_id,display_name): " + e.getMessage(), e);
        }
        if (badLines > 0) {
            throw new IllegalArgumentException(file + ": " + badLines + " bad line(s), nothing imported:\n  "
                    + String.join("\n  ", errors) + (badLines > errors.size() ? "\n  ..." : ""));
        }
        return names;
    }
}
