package dev.tally.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The build's guard on the Avro records of the topics: each has its released versions under
 * {@code avro-history/<full name>/vN.avsc}, the newest of which is the current schema (so every
 * change is recorded, and the codec knows every writer schema a producer may still use), and the
 * current schema reads every earlier one. An incompatible change (a new field without a default, a
 * type that does not promote, a removed enum symbol) fails here, and so the build.
 */
class SchemaHistoryTest {

    /** Every record of {@code avro-history/records}: the topics' records. */
    static List<String> records() throws IOException {
        try (InputStream in = SchemaHistoryTest.class.getResourceAsStream("/avro-history/records")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .toList();
        }
    }

    @ParameterizedTest
    @MethodSource("records")
    void theNewestVersionIsTheCurrentSchemaAndItReadsEveryEarlierOne(String fullName) throws Exception {
        Schema current = SpecificData.get().getSchema(Class.forName(fullName));
        List<Schema> history = history(fullName);
        assertThat(history)
                .as("avro-history/%s/v1.avsc ... (a topic's record needs its released versions)", fullName)
                .isNotEmpty();

        for (int v = 0; v < history.size(); v++) {
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(current, history.get(v));
            assertThat(compatibility.getType())
                    .as("the current %s cannot read v%d: %s", fullName, v + 1, compatibility.getDescription())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
        Schema newest = history.get(history.size() - 1);
        assertThat(SchemaNormalization.toParsingForm(newest))
                .as(
                        "%s changed since v%d, compatibly: add the current schema"
                                + " (SpecificData.get().getSchema(...).toString(true)) as avro-history/%s/v%d.avsc",
                        fullName, history.size(), fullName, history.size() + 1)
                .isEqualTo(SchemaNormalization.toParsingForm(current));
    }

    static List<Schema> history(String fullName) throws IOException {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in =
                    SchemaHistoryTest.class.getResourceAsStream("/avro-history/" + fullName + "/v" + v + ".avsc")) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            }
        }
    }
}
