package dev.tally.jobs.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.cassandra.ResultTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every registered job's result tables name exactly the columns and key of their CREATE statements and later ALTERs. */
class ResultTablesCqlTest {

    @Test
    void everyTablesColumnsAndKeyAreThoseOfItsCreateStatement() throws IOException {
        String cql = allCql();
        List<String> checked = new ArrayList<>();
        for (TallyJob<?, ?, ?> job : TallyJobs.all()) {
            for (ResultTable<?> table : job.resultTables()) {
                check(cql, table);
                checked.add(table.name());
            }
        }
        assertThat(checked).contains("ad_click_counts", "leaderboard_top_players");
    }

    private static void check(String cql, ResultTable<?> table) {
        Matcher create = Pattern.compile(
                        "CREATE TABLE IF NOT EXISTS \\{keyspace}\\." + table.name() + " \\((.*?)\\n\\)", Pattern.DOTALL)
                .matcher(cql);
        assertThat(create.find()).as(table.name()).isTrue();
        // A later migration may recreate the table: its last CREATE is the current one.
        int start = create.start();
        while (create.find(start + 1)) {
            start = create.start();
        }
        create.find(start);
        List<String> columns = new ArrayList<>();
        String primaryKey = null;
        for (String line : create.group(1).split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("PRIMARY KEY")) {
                primaryKey = trimmed;
            } else if (!trimmed.isEmpty()) {
                columns.add(trimmed.split("\\s+")[0]);
            }
        }
        // Columns a later migration added.
        Matcher added = Pattern.compile("ALTER TABLE \\{keyspace}\\." + table.name() + " ADD (?:IF NOT EXISTS )?(\\w+)")
                .matcher(cql);
        while (added.find(start)) {
            columns.add(added.group(1));
            start = added.end();
        }
        assertThat(table.columns()).as(table.name()).containsExactlyInAnyOrderElementsOf(columns);
        assertThat(primaryKey.replaceAll("[^a-z_,]", "").split(","))
                .as(table.name())
                .containsExactlyElementsOf(table.keyColumns());
        Matcher partition = Pattern.compile("PRIMARY KEY \\(\\(([^)]*)\\)").matcher(primaryKey);
        int partitionKeySize = partition.find() ? partition.group(1).split(",").length : 1;
        assertThat(table.partitionKeySize()).as(table.name() + " partition key").isEqualTo(partitionKeySize);
    }

    /** The migrations' CQL files, in the order {@code cql/index} lists them (the order they are applied). */
    private static String allCql() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String line : read("cql/index").split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                for (String file : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                    all.append(read("cql/" + file)).append('\n');
                }
            }
        }
        return all.toString();
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = ResultTablesCqlTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
