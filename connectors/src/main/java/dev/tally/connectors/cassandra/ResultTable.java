package dev.tally.connectors.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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

    private final String name;
    private final List<String> keyColumns;
    private final List<String> valueColumns;
    private final RowWriter<T> writer;
    private final RowReader<T> reader;
    private final CassandraUpsert.WriteTimestamp<T> writeTimestamp;

    private ResultTable(
            String name,
            List<String> keyColumns,
            List<String> valueColumns,
            RowWriter<T> writer,
            RowReader<T> reader,
            CassandraUpsert.WriteTimestamp<T> writeTimestamp) {
        this.name = Objects.requireNonNull(name);
        this.keyColumns = List.copyOf(keyColumns);
        this.valueColumns = List.copyOf(valueColumns);
        this.writer = Objects.requireNonNull(writer);
        this.reader = Objects.requireNonNull(reader);
        this.writeTimestamp = writeTimestamp;
    }

    /**
     * A table whose primary key is {@code keyColumns} (partition and clustering columns, in the order
     * of the table's PRIMARY KEY) and whose other columns are {@code valueColumns}.
     */
    public static <T> ResultTable<T> of(
            String name, List<String> keyColumns, List<String> valueColumns, RowWriter<T> writer, RowReader<T> reader) {
        return new ResultTable<>(name, keyColumns, valueColumns, writer, reader, null);
    }

    /**
     * The same table written {@code USING TIMESTAMP} of each record, so of two writes to one row the
     * one with the later timestamp wins whatever order they arrive in.
     */
    public ResultTable<T> withWriteTimestamp(CassandraUpsert.WriteTimestamp<T> micros) {
        return new ResultTable<>(name, keyColumns, valueColumns, writer, reader, Objects.requireNonNull(micros));
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

    /** Whether rows carry a write timestamp of their own (bound last in {@link #insertCql}). */
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

    /** The values of the row's key columns. */
    public Object[] key(T record) {
        return Arrays.copyOf(row(record), keyColumns.size());
    }

    /** {@link #row} with the write timestamp appended, as {@link #insertCql} binds them. */
    public Object[] insertValues(T record) {
        Object[] row = row(record);
        if (writeTimestamp == null) {
            return row;
        }
        Object[] values = Arrays.copyOf(row, row.length + 1);
        values[row.length] = writeTimestamp.micros(record);
        return values;
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
        CassandraUpsert<T> upsert = CassandraUpsert.ofValues(insertCql(), writer::row);
        return writeTimestamp == null ? upsert : upsert.withWriteTimestamp(writeTimestamp);
    }

    private String insert(String table) {
        List<String> columns = columns();
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ")"
                + (writeTimestamp == null ? "" : " USING TIMESTAMP ?");
    }

    @Override
    public String toString() {
        return name + columns();
    }
}
