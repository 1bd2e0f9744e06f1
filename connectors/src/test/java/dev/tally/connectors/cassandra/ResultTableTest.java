package dev.tally.connectors.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTest {

    /** (group, position) -> present, or null where the row is to go. */
    private record Slot(String group, long position, Boolean present, long micros) {}

    private static final ResultTable<Slot> SLOTS = ResultTable.<Slot>of(
                    "slots",
                    1,
                    List.of("grp", "position"),
                    List.of("present"),
                    s -> new Object[] {s.group(), s.position(), s.present()},
                    row -> new Slot(row.getString("grp"), row.getLong("position"), row.getBoolean("present"), 0))
            .withWriteTimestamp(Slot::micros);

    @Test
    void anInsertTableBindsItsValuesThenItsUsingClause() {
        assertThat(SLOTS.insertCql("ks"))
                .isEqualTo("INSERT INTO ks.slots (grp, position, present) VALUES (?, ?, ?) USING TIMESTAMP ?");
        assertThat(SLOTS.insertValues(new Slot("a", 3, true, 17))).containsExactly("a", 3L, true, 17L);
    }

    @Test
    void anUpdateTableSetsItsValuesByKeyAfterItsUsingClause() {
        ResultTable<Slot> table = SLOTS.writtenByUpdate().withTimeToLive((s, now) -> 60);
        assertThat(table.insertCql("ks"))
                .isEqualTo(
                        "UPDATE ks.slots USING TIMESTAMP ? AND TTL ? SET present = ? WHERE grp = ? AND position = ?");
        assertThat(table.insertValues(new Slot("a", 3, null, 17))).containsExactly(17L, 60, null, "a", 3L);
        // The sink binds the markers other than USING's, in the statement's order.
        assertThat(table.upsert().values().values(new Slot("a", 3, true, 17))).containsExactly(true, "a", 3L);
        assertThat(table.upsert().hasWriteTimestamp()).isTrue();
        // Reads and keys are those of the table, whichever statement writes it.
        assertThat(table.key(new Slot("a", 3, true, 17))).containsExactly("a", 3L);
        assertThat(table.selectCql("ks")).isEqualTo("SELECT grp, position, present FROM ks.slots");
        // Only a row all of whose values are null goes; an INSERT's never does (its row marker stays).
        assertThat(table.removes(new Slot("a", 3, null, 17))).isTrue();
        assertThat(table.removes(new Slot("a", 3, false, 17))).isFalse();
        assertThat(SLOTS.removes(new Slot("a", 3, null, 17))).isFalse();
    }

    @Test
    void anUpdateNeedsAValueColumn() {
        ResultTable<String> keysOnly =
                ResultTable.of("keys", 1, List.of("k"), List.of(), k -> new Object[] {k}, row -> row.getString("k"));
        assertThatThrownBy(keysOnly::writtenByUpdate).hasMessageContaining("value column");
    }
}
