package dev.tally.connectors.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One result table of a job: its columns and how a result record becomes a row and a row a record.
 * Every statement on the table is derived from this one definition, so the sink, the replay, the
 * reconciliation, the promotion, the verifier and the dashboard cannot disagree on a column. The
 * table itself is created by the CQL under {@code schemas/src/main/resources/cql}; a test checks that
 * the columns named here exist there.
 *
 * <p>No Flink class is touched here, so tools without Flink on their class path (the dashboard) use
 * it too.
 */
public final class ResultTable<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The values of a row, in {@link #columns()} order. */
    @FunctionalInterface
    public interface RowWriter<T> extends Serializable {
        Object[] row(T record);
    }

    /** The record a row read with {@link #selectCql} holds. */
    @FunctionalInterface
    public interface RowReader<T> extends Serializable {
        T read(Row row);
    }

    /** Whether a record belongs to the time range [from, to) that a replay recalculates. */
    @FunctionalInterface
    public interface RangeFilter<T> extends Serializable {
        boolean inRange(T record, long fromMillis, long toMillis);
    }

    /** The quantity a row holds (a count), for totals and the size of a difference. */
    @FunctionalInterface
    public interface Measure<T> extends Serializable {
        long of(T record);
    }

    /** Where promoted rows go as corrections: the job option naming the topic, and the record's key. */
    public record Corrections<T>(String topicOption, Class<T> type, Key<T> key) implements Serializable {}

    /** The Kafka key of a record. */
    @FunctionalInterface
    public interface Key<T> extends Serializable {
        String of(T record);
    }

    private final String name;
    private final int partitionKeySize;
    private final List<String> keyColumns;
    private final List<String> valueColumns;
    private final RowWriter<T> writer;
    private final RowReader<T> reader;
    private CassandraUpsert.WriteTimestamp<T> writeTimestamp;
    private CassandraUpsert.TimeToLive<T> timeToLive;
    private RangeFilter<T> range;
    private Measure<T> measure;
    private Corrections<T> corrections;
    private String latestOf;
    private boolean nullsUnset;
    private boolean writtenByUpdate;

    private ResultTable(
            String name,
            int partitionKeySize,
            List<String> keyColumns,
            List<String> valueColumns,
            RowWriter<T> writer,
            RowReader<T> reader) {
        this.name = Objects.requireNonNull(name);
        if (partitionKeySize < 1 || partitionKeySize > keyColumns.size()) {
            throw new IllegalArgumentException(name + ": partition key of " + partitionKeySize + " of " + keyColumns);
        }
        this.partitionKeySize = partitionKeySize;
        this.keyColumns = List.copyOf(keyColumns);
        this.valueColumns = List.copyOf(valueColumns);
        this.writer = Objects.requireNonNull(writer);
        this.reader = Objects.requireNonNull(reader);
    }

    /**
     * A table whose primary key is {@code keyColumns} (partition and clustering columns, in the order
     * of the table's PRIMARY KEY, the first {@code partitionKeySize} the partition key) and whose
     * other columns are {@code valueColumns}.
     */
    public static <T> ResultTable<T> of(
            String name,
            int partitionKeySize,
            List<String> keyColumns,
            List<String> valueColumns,
            RowWriter<T> writer,
            RowReader<T> reader) {
        return new ResultTable<>(name, partitionKeySize, keyColumns, valueColumns, writer, reader);
    }

    private ResultTable<T> copy() {
        ResultTable<T> copy = new ResultTable<>(name, partitionKeySize, keyColumns, valueColumns, writer, reader);
        copy.writeTimestamp = writeTimestamp;
        copy.timeToLive = timeToLive;
        copy.range = range;
        copy.measure = measure;
        copy.corrections = corrections;
        copy.latestOf = latestOf;
        copy.nullsUnset = nullsUnset;
        copy.writtenByUpdate = writtenByUpdate;
        return copy;
    }

    /**
     * The same table written by UPDATE rather than INSERT. An UPDATE writes no row marker, so a row
     * lives only while one of its value columns is set: a record whose values are all null removes
     * its row (a cell tombstone each), and moving a row from one key to another is two idempotent
     * upserts, the old key's nulls and the new key's values. With a write timestamp, the later of two
     * writes to a key wins whichever arrives first.
     */
    public ResultTable<T> writtenByUpdate() {
        if (valueColumns.isEmpty()) {
            throw new IllegalStateException(name + ": an UPDATE needs a value column to set");
        }
        ResultTable<T> copy = copy();
        copy.writtenByUpdate = true;
        return copy;
    }

    /**
     * The same table written {@code USING TIMESTAMP} of each record, so of two writes to one row the
     * one with the later timestamp wins whatever order they arrive in.
     */
    public ResultTable<T> withWriteTimestamp(CassandraUpsert.WriteTimestamp<T> micros) {
        ResultTable<T> copy = copy();
        copy.writeTimestamp = Objects.requireNonNull(micros);
        return copy;
    }

    /**
     * The same table written {@code USING TTL} of each record, computed when the row is written (a
     * retention counted from the record's own time, so old data replayed today expires when it would
     * have).
     */
    public ResultTable<T> withTimeToLive(CassandraUpsert.TimeToLive<T> seconds) {
        ResultTable<T> copy = copy();
        copy.timeToLive = Objects.requireNonNull(seconds);
        return copy;
    }

    /**
     * The same table with null values left unset by the sink, so they write no tombstones: for
     * columns that are null from a row's first write on or whose stale value readers ignore.
     */
    public ResultTable<T> withNullsUnset() {
        ResultTable<T> copy = copy();
        copy.nullsUnset = true;
        return copy;
    }

    /** The rows a replay of [from, to) recalculates exactly; a table without a range is not reconciled. */
    public ResultTable<T> withRange(RangeFilter<T> range) {
        ResultTable<T> copy = copy();
        copy.range = Objects.requireNonNull(range);
        return copy;
    }

    /** What a row counts, for totals and the size of a difference (without: each row counts 1). */
    public ResultTable<T> withMeasure(Measure<T> measure) {
        ResultTable<T> copy = copy();
        copy.measure = Objects.requireNonNull(measure);
        return copy;
    }

    /** Promoted rows are also published to the topic that the job option {@code topicOption} names. */
    public ResultTable<T> withCorrections(String topicOption, Class<T> type, Key<T> key) {
        ResultTable<T> copy = copy();
        copy.corrections = new Corrections<>(topicOption, type, key);
        return copy;
    }

    /**
     * A table that holds the newest row of {@code source} per key, written with a timestamp: a
     * promotion writes every promoted row of the source into it one microsecond after the live
     * write of the same row, so the newest still wins.
     */
    public ResultTable<T> latestOf(ResultTable<T> source) {
        if (writeTimestamp == null) {
            throw new IllegalStateException(name + ": a table of the latest rows needs a write timestamp");
        }
        ResultTable<T> copy = copy();
        copy.latestOf = source.name();
        return copy;
    }

    public int partitionKeySize() {
        return partitionKeySize;
    }

    public Optional<RangeFilter<T>> range() {
        return Optional.ofNullable(range);
    }

    /** What {@code record} counts: its measure, or 1. */
    public long measure(T record) {
        return measure == null ? 1 : measure.of(record);
    }

    public boolean hasMeasure() {
        return measure != null;
    }

    public Optional<Corrections<T>> corrections() {
        return Optional.ofNullable(corrections);
    }

    /** The name of the table this one keeps the latest rows of, if it is such a table. */
    public Optional<String> latestOf() {
        return Optional.ofNullable(latestOf);
    }

    /**
     * The rows of one token range of the partition key in {@code keyspace}: bind the exclusive start
     * and the inclusive end token.
     */
    public String selectTokenRangeCql(String keyspace) {
        String token = "token(" + String.join(", ", keyColumns.subList(0, partitionKeySize)) + ")";
        return selectCql(keyspace) + " WHERE " + token + " > ? AND " + token + " <= ?";
    }

    public String name() {
        return name;
    }

    public List<String> keyColumns() {
        return keyColumns;
    }

    public List<String> valueColumns() {
        return valueColumns;
    }

    /** Key columns, then value columns: the order of {@link #row} and of {@link #selectCql}. */
    public List<String> columns() {
        List<String> all = new ArrayList<>(keyColumns);
        all.addAll(valueColumns);
        return all;
    }

    /** Whether rows are written by UPDATE ({@link #writtenByUpdate}). */
    public boolean isWrittenByUpdate() {
        return writtenByUpdate;
    }

    /** Whether rows carry a write timestamp of their own (a marker of {@link #insertCql}). */
    public boolean hasWriteTimestamp() {
        return writeTimestamp != null;
    }

    /** The upsert of one row, in the session's keyspace. */
    public String insertCql() {
        return insert(name);
    }

    /** The upsert of one row into {@code keyspace}. */
    public String insertCql(String keyspace) {
        return insert(keyspace + "." + name);
    }

    /** Every column of the table in the session's keyspace, in {@link #columns()} order; a WHERE clause may follow. */
    public String selectCql() {
        return "SELECT " + String.join(", ", columns()) + " FROM " + name;
    }

    /** Every column of every row of the table in {@code keyspace}, in {@link #columns()} order. */
    public String selectCql(String keyspace) {
        return "SELECT " + String.join(", ", columns()) + " FROM " + keyspace + "." + name;
    }

    /** The delete of one row by its key columns' values, in {@code keyspace}. */
    public String deleteCql(String keyspace) {
        return "DELETE FROM " + keyspace + "." + name + " WHERE "
                + String.join(" AND ", keyColumns.stream().map(c -> c + " = ?").toList());
    }

    /** The row's values in {@link #columns()} order. */
    public Object[] row(T record) {
        Object[] row = writer.row(record);
        if (row.length != keyColumns.size() + valueColumns.size()) {
            throw new IllegalStateException(
                    name + ": row of " + row.length + " values for columns " + columns() + ": " + Arrays.toString(row));
        }
        return row;
    }

    /**
     * Whether writing {@code record} removes its row: a table {@link #writtenByUpdate} whose value
     * columns the record sets all to null.
     */
    public boolean removes(T record) {
        if (!writtenByUpdate) {
            return false;
        }
        Object[] row = row(record);
        for (int i = keyColumns.size(); i < row.length; i++) {
            if (row[i] != null) {
                return false;
            }
        }
        return true;
    }

    /** The values of the row's key columns. */
    public Object[] key(T record) {
        return Arrays.copyOf(row(record), keyColumns.size());
    }

    /**
     * Every marker's value of {@link #insertCql}: the row's values with the write timestamp and the
     * time to live (as of now), which an INSERT binds after the values and an UPDATE before them.
     */
    public Object[] insertValues(T record) {
        List<Object> using = new ArrayList<>(2);
        if (writeTimestamp != null) {
            using.add(writeTimestamp.micros(record));
        }
        if (timeToLive != null) {
            using.add(Math.max(1, timeToLive.seconds(record, System.currentTimeMillis())));
        }
        List<Object> values = new ArrayList<>(Arrays.asList(statementOrder(row(record))));
        if (writtenByUpdate) {
            values.addAll(0, using);
        } else {
            values.addAll(using);
        }
        return values.toArray();
    }

    /** A row's values in the order of the statement's markers: an UPDATE sets the values, then names the key. */
    private Object[] statementOrder(Object[] row) {
        if (!writtenByUpdate) {
            return row;
        }
        Object[] ordered = new Object[row.length];
        int keys = keyColumns.size();
        System.arraycopy(row, keys, ordered, 0, row.length - keys);
        System.arraycopy(row, 0, ordered, row.length - keys, keys);
        return ordered;
    }

    /** The write timestamp of {@code record}, in microseconds; only for a table {@link #hasWriteTimestamp}. */
    public long writeTimestamp(T record) {
        if (writeTimestamp == null) {
            throw new IllegalStateException(name + " has no write timestamp of its own");
        }
        return writeTimestamp.micros(record);
    }

    /** The record a row of {@link #selectCql} holds. */
    public T read(Row row) {
        return reader.read(row);
    }

    /** The sink's upsert: this table's statement and row mapping. */
    public CassandraUpsert<T> upsert() {
        CassandraUpsert<T> upsert = CassandraUpsert.ofValues(
                insertCql(), writtenByUpdate ? record -> statementOrder(row(record)) : writer::row);
        if (writeTimestamp != null) {
            upsert = upsert.withWriteTimestamp(writeTimestamp);
        }
        if (timeToLive != null) {
            upsert = upsert.withTimeToLive(timeToLive);
        }
        return nullsUnset ? upsert.leavingNullsUnset() : upsert;
    }

    private String insert(String table) {
        if (writtenByUpdate) {
            return "UPDATE " + table + using() + " SET "
                    + String.join(
                            ", ", valueColumns.stream().map(c -> c + " = ?").toList())
                    + " WHERE "
                    + String.join(
                            " AND ", keyColumns.stream().map(c -> c + " = ?").toList());
        }
        List<String> columns = columns();
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ")"
                + using();
    }

    private String using() {
        if (writeTimestamp != null && timeToLive != null) {
            return " USING TIMESTAMP ? AND TTL ?";
        }
        return writeTimestamp != null ? " USING TIMESTAMP ?" : timeToLive != null ? " USING TTL ?" : "";
    }

    @Override
    public String toString() {
        return name + columns();
    }
}
