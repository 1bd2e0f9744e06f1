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

    /** A row of the range, and the record it holds. */
    private record Read<T>(Row row, T record) {}

    /** Compares every token range; each mismatch goes to {@code mismatches}. */
    Tally compare(
            CqlSession session,
            String liveKeyspace,
            String replayKeyspace,
            int splits,
            Consumer<Mismatch<T>> mismatches) {
        PreparedStatement live = session.prepare(table.selectTokenRangeCql(liveKeyspace));
        PreparedStatement replay = session.prepare(table.selectTokenRangeCql(replayKeyspace));
        Tally tally = new Tally();
        for (TokenRanges.Range range : TokenRanges.split(splits)) {
            Map<List<Object>, Read<T>> liveRows = read(session, live, range);
            Map<List<Object>, Read<T>> replayRows = read(session, replay, range);
            for (Map.Entry<List<Object>, Read<T>> entry : replayRows.entrySet()) {
                Read<T> r = entry.getValue();
                Read<T> l = liveRows.remove(entry.getKey());
                tally.replayTotal += table.measure(r.record());
                if (l != null) {
                    tally.liveTotal += table.measure(l.record());
                    if (values(l.row()).equals(values(r.row()))) {
                        tally.matched++;
                        continue;
                    }
                    tally.differing++;
                } else {
                    tally.missingInLive++;
                }
                T liveRecord = l == null ? null : l.record();
                tally.absoluteDifference += difference(liveRecord, r.record());
                mismatches.accept(new Mismatch<>(entry.getKey(), liveRecord, r.record()));
            }
            for (Map.Entry<List<Object>, Read<T>> entry : liveRows.entrySet()) {
                T l = entry.getValue().record();
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

    /** The rows of one token range that the replay recalculated, by key. */
    private Map<List<Object>, Read<T>> read(CqlSession session, PreparedStatement select, TokenRanges.Range range) {
        Map<List<Object>, Read<T>> rows = new HashMap<>();
        int keys = table.keyColumns().size();
        for (Row row : session.execute(select.bind(range.start(), range.end()).setPageSize(5000))) {
            T record = table.read(row);
            if (table.range().orElseThrow().inRange(record, from, to)) {
                List<Object> key = new ArrayList<>(keys);
                for (int i = 0; i < keys; i++) {
                    key.add(row.getObject(i));
                }
                rows.put(key, new Read<>(row, record));
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
            text.append(i == 0 ? "" : " ")
                    .append(table.keyColumns().get(i))
                    .append('=')
                    .append(Objects.toString(key.get(i)));
        }
        return text.toString();
    }
}
