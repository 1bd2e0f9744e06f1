package dev.tally.reconciliation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.connectors.cassandra.ResultTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One result table of a live keyspace and of a replay's, compared row by row within a time range,
 * one token range of the partition key at a time: memory holds one range of both sides, not the
 * tables. Rows are matched by their key columns and compared by their value columns as Cassandra
 * returns them; the table's range filter says which rows the replay recalculated.
 */
final class TableComparison<T> {

    /** A row whose live and replayed versions differ; null where a side has none. */
    record Mismatch<T>(List<Object> key, T live, T replay) {}

    private final ResultTable<T> table;
    private final long from;
    private final long to;

    TableComparison(ResultTable<T> table, long from, long to) {
        this.table = table;
        this.from = from;
        this.to = to;
        if (table.range().isEmpty()) {
            throw new IllegalArgumentException(table.name() + " has no range a replay recalculates");
        }
    }

    /** Tallies of the whole table. */
    static final class Tally {
        long matched;
        long differing;
        long missingInLive;
        long missingInReplay;
        long liveTotal;
        long replayTotal;
        long absoluteDifference;
    }

    /** Compares every token range; each mismatch goes to {@code mismatches}. */
    Tally compare(CqlSession session, String liveKeyspace, String replayKeyspace, int splits, Consumer<Mismatch<T>> mismatches) {
        PreparedStatement live = session.prepare(table.selectTokenRangeCql(liveKeyspace));
        PreparedStatement replay = session.prepare(table.selectTokenRangeCql(replayKeyspace));
        Tally tally = new Tally();
        for (TokenRanges.Range range : TokenRanges.split(splits)) {
            Map<List<Object>, Row> liveRows = read(session, live, range);
            Map<List<Object>, Row> replayRows = read(session, replay, range);
            for (Map.Entry<List<Object>, Row> entry : replayRows.entrySet()) {
                T r = table.read(entry.getValue());
                tally.replayTotal += table.measure(r);
                Row liveRow = liveRows.remove(entry.getKey());
                T l = liveRow == null ? null : table.read(liveRow);
                if (l != null) {
                    tally.liveTotal += table.measure(l);
                }
                if (liveRow != null && values(liveRow).equals(values(entry.getValue()))) {
                    tally.matched++;
                    continue;
                }
                if (l == null) {
                    tally.missingInLive++;
                } else {
                    tally.differing++;
                }
                tally.absoluteDifference += difference(l, r);
                mismatches.accept(new Mismatch<>(entry.getKey(), l, r));
            }
            for (Map.Entry<List<Object>, Row> entry : liveRows.entrySet()) {
                T l = table.read(entry.getValue());
                tally.liveTotal += table.measure(l);
                tally.missingInReplay++;
                tally.absoluteDifference += difference(l, null);
                mismatches.accept(new Mismatch<>(entry.getKey(), l, null));
            }
        }
        return tally;
    }

    /** |replay - live| of a measured table; 1 for a differing row of any other. */
    long difference(T live, T replay) {
        if (!table.hasMeasure()) {
            return 1;
        }
        return Math.abs((replay == null ? 0 : table.measure(replay)) - (live == null ? 0 : table.measure(live)));
    }

    private Map<List<Object>, Row> read(CqlSession session, PreparedStatement select, TokenRanges.Range range) {
        Map<List<Object>, Row> rows = new HashMap<>();
        int keys = table.keyColumns().size();
        for (Row row : session.execute(select.bind(range.start(), range.end()).setPageSize(5000))) {
            if (table.range().orElseThrow().inRange(table.read(row), from, to)) {
                List<Object> key = new ArrayList<>(keys);
                for (int i = 0; i < keys; i++) {
                    key.add(row.getObject(i));
                }
                rows.put(key, row);
            }
        }
        return rows;
    }

    private List<Object> values(Row row) {
        int keys = table.keyColumns().size();
        List<Object> values = new ArrayList<>(table.valueColumns().size());
        for (int i = keys; i < keys + table.valueColumns().size(); i++) {
            values.add(row.getObject(i));
        }
        return values;
    }

    /** "column=value ..." of a key, for reports. */
    String describe(List<Object> key) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            text.append(i == 0 ? "" : " ").append(table.keyColumns().get(i)).append('=').append(Objects.toString(key.get(i)));
        }
        return text.toString();
    }
}
