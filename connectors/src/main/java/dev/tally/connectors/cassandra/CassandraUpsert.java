package dev.tally.connectors.cassandra;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.type.DataTypes;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one idempotent CQL upsert the sink runs per record, and how a record is bound to it.
 *
 * <p>Only plain INSERT or UPDATE statements that set columns to values are accepted: no counter or
 * collection increments, no conditional (IF) statements. Those are the statements whose replay
 * after a restart converges to the same rows, which is what makes the driver's retries and Flink's
 * at-least-once replay safe.
 *
 * <p>With {@link #withWriteTimestamp} the statement carries {@code USING TIMESTAMP ?} and each row
 * is written at the record's timestamp, so of two writes to one row the one with the later
 * timestamp wins whatever order they arrive in.
 */
public final class CassandraUpsert<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Name Cassandra gives the {@code USING TIMESTAMP ?} bind marker. */
    static final String TIMESTAMP_MARKER = "[timestamp]";

    /** Name Cassandra gives the {@code TTL ?} bind marker. */
    static final String TTL_MARKER = "[ttl]";

    /** Name of the result column of a conditional statement. */
    private static final String APPLIED_COLUMN = "[applied]";

    private static final Pattern QUOTED = Pattern.compile("'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"");
    private static final Pattern UPSERT = Pattern.compile("^\\s*(INSERT|UPDATE)\\b");
    private static final Pattern CONDITIONAL = Pattern.compile("\\bIF\\b");
    // c = c + ?, c = c - ?, l = ? + l, l = ['x'] + l: counter and collection increments, not
    // idempotent.
    private static final Pattern SELF_REFERENCE = Pattern.compile(
            "\\b(\\w+)\\s*=\\s*(?:\\1\\s*[-+]" + "|(?:[?:\\w]+|\\[[^\\]]*]|\\{[^}]*})\\s*\\+\\s*\\1\\b)");
    private static final Pattern TIMESTAMP_BIND = Pattern.compile("\\bTIMESTAMP\\s*\\?");
    private static final Pattern TTL_BIND = Pattern.compile("\\bTTL\\s*\\?");

    /** Binds one record to the statement's markers; must not keep the builder. */
    @FunctionalInterface
    public interface Binder<T> extends Serializable {
        BoundStatementBuilder bind(T record, BoundStatementBuilder row);
    }

    /** The values of every bind marker in order (without the {@code USING TIMESTAMP} one). */
    @FunctionalInterface
    public interface ValuesExtractor<T> extends Serializable {
        Object[] values(T record);
    }

    /** The write timestamp of a record, in microseconds since the epoch. */
    @FunctionalInterface
    public interface WriteTimestamp<T> extends Serializable {
        long micros(T record);
    }

    /**
     * How long a record's row lives, in seconds, when written at {@code nowMillis}: at least 1, since
     * 0 would mean forever.
     */
    @FunctionalInterface
    public interface TimeToLive<T> extends Serializable {
        int seconds(T record, long nowMillis);

        /**
         * The seconds a row of a period ending at {@code endMillis} has left of {@code retentionMillis}
         * at {@code nowMillis}: at least 1. Counted from the data's own time, so old data replayed
         * today expires when it would have.
         */
        static int retainedAfter(long endMillis, long retentionMillis, long nowMillis) {
            long left = (endMillis + retentionMillis - nowMillis) / 1000;
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
        }
    }

    private final String cql;
    private final Binder<T> binder;
    private final ValuesExtractor<T> values;
    private final WriteTimestamp<T> writeTimestamp;
    private final TimeToLive<T> timeToLive;
    private final boolean nullsUnset;

    private CassandraUpsert(
            String cql,
            Binder<T> binder,
            ValuesExtractor<T> values,
            WriteTimestamp<T> writeTimestamp,
            TimeToLive<T> timeToLive,
            boolean nullsUnset) {
        this.cql = cql;
        this.binder = binder;
        this.values = values;
        this.writeTimestamp = writeTimestamp;
        this.timeToLive = timeToLive;
        this.nullsUnset = nullsUnset;
    }

    /** An upsert whose markers are set by {@code binder}, by index or by name. */
    public static <T> CassandraUpsert<T> of(String cql, Binder<T> binder) {
        checkUpsert(cql);
        return new CassandraUpsert<>(cql, checkNotNull(binder, "binder"), null, null, null, false);
    }

    /**
     * An upsert whose markers take {@code values}' result in order; the driver picks the codecs.
     */
    public static <T> CassandraUpsert<T> ofValues(String cql, ValuesExtractor<T> values) {
        checkUpsert(cql);
        return new CassandraUpsert<>(cql, null, checkNotNull(values, "values"), null, null, false);
    }

    /**
     * The same upsert written at each record's timestamp; the statement must contain {@code USING
     * TIMESTAMP ?}, which this binds (binders and value extractors leave it out).
     */
    public CassandraUpsert<T> withWriteTimestamp(WriteTimestamp<T> micros) {
        checkNotNull(micros, "micros");
        checkArgument(
                TIMESTAMP_BIND.matcher(unquoted(cql)).find(),
                "A write timestamp needs a 'USING TIMESTAMP ?' marker in: %s",
                cql);
        return new CassandraUpsert<>(cql, binder, values, micros, timeToLive, nullsUnset);
    }

    /**
     * The same upsert with a time to live per record; the statement must contain {@code TTL ?},
     * which this binds (binders and value extractors leave it out).
     */
    public CassandraUpsert<T> withTimeToLive(TimeToLive<T> seconds) {
        checkNotNull(seconds, "seconds");
        checkArgument(TTL_BIND.matcher(unquoted(cql)).find(), "A time to live needs a 'TTL ?' marker in: %s", cql);
        return new CassandraUpsert<>(cql, binder, values, writeTimestamp, seconds, nullsUnset);
    }

    /**
     * The same upsert with null values left unset rather than written: a null written is a tombstone
     * cell, which every read of the row then skips until compaction purges it (a gauge's rollup
     * would carry two forever). Only for columns that a later write of a row never needs to clear.
     */
    public CassandraUpsert<T> leavingNullsUnset() {
        return new CassandraUpsert<>(cql, binder, values, writeTimestamp, timeToLive, true);
    }

    public String cql() {
        return cql;
    }

    boolean nullsUnset() {
        return nullsUnset;
    }

    TimeToLive<T> timeToLive() {
        return timeToLive;
    }

    boolean hasWriteTimestamp() {
        return writeTimestamp != null;
    }

    /**
     * Checks what only the server knows about the prepared statement and returns the index of the
     * {@code USING TIMESTAMP ?} marker, or -1 if the statement has none.
     */
    int checkPrepared(PreparedStatement prepared) {
        checkArgument(
                !prepared.getResultSetDefinitions().contains(CqlIdentifier.fromInternal(APPLIED_COLUMN)),
                "Conditional statements are not idempotent: %s",
                cql);
        ColumnDefinitions variables = prepared.getVariableDefinitions();
        int timestampIndex = -1;
        for (int i = 0; i < variables.size(); i++) {
            ColumnDefinition variable = variables.get(i);
            checkArgument(!DataTypes.COUNTER.equals(variable.getType()), "Counter updates are not idempotent: %s", cql);
            if (TIMESTAMP_MARKER.equals(variable.getName().asInternal())) {
                timestampIndex = i;
            }
        }
        if (writeTimestamp != null) {
            checkArgument(timestampIndex >= 0, "A write timestamp needs a 'USING TIMESTAMP ?' marker in: %s", cql);
        } else {
            checkArgument(timestampIndex < 0, "'USING TIMESTAMP ?' needs CassandraUpsert.withWriteTimestamp: %s", cql);
        }
        return timestampIndex;
    }

    /** The index of the prepared statement's {@code TTL ?} marker, or -1 if it has none; checked against {@link #withTimeToLive}. */
    int timeToLiveIndex(PreparedStatement prepared) {
        ColumnDefinitions variables = prepared.getVariableDefinitions();
        int index = -1;
        for (int i = 0; i < variables.size(); i++) {
            if (TTL_MARKER.equals(variables.get(i).getName().asInternal())) {
                index = i;
            }
        }
        checkArgument(
                (index >= 0) == (timeToLive != null),
                timeToLive != null
                        ? "A time to live needs a 'TTL ?' marker in: %s"
                        : "'TTL ?' needs CassandraUpsert.withTimeToLive: %s",
                cql);
        return index;
    }

    /** This upsert on its prepared statement, checked by {@link #checkPrepared}. */
    PreparedUpsert<T> prepare(PreparedStatement prepared) {
        return new PreparedUpsert<>(this, prepared);
    }

    Binder<T> binder() {
        return binder;
    }

    ValuesExtractor<T> values() {
        return values;
    }

    WriteTimestamp<T> writeTimestamp() {
        return writeTimestamp;
    }

    private static void checkUpsert(String cql) {
        checkArgument(cql != null && !cql.isBlank(), "cql must not be blank");
        String code = unquoted(cql);
        checkArgument(UPSERT.matcher(code).find(), "Only INSERT or UPDATE statements are upserts: %s", cql);
        checkArgument(
                !CONDITIONAL.matcher(code).find(),
                "Conditional (IF) statements read before they write and are not idempotent: %s",
                cql);
        checkArgument(
                !SELF_REFERENCE.matcher(code).find(), "Counter and collection increments are not idempotent: %s", cql);
    }

    /**
     * The statement upper-cased with its string literals blanked out and each quoted name replaced
     * by a plain word of its own, so that {@code "N" = "N" + 1} still reads as an increment.
     */
    private static String unquoted(String cql) {
        Map<String, String> names = new HashMap<>();
        Matcher quoted = QUOTED.matcher(cql);
        StringBuilder code = new StringBuilder();
        while (quoted.find()) {
            String token = quoted.group();
            String replacement = token.charAt(0) == '\''
                    ? "''"
                    : names.computeIfAbsent(token, name -> "QUOTED_NAME_" + names.size());
            quoted.appendReplacement(code, Matcher.quoteReplacement(replacement));
        }
        quoted.appendTail(code);
        return code.toString().toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "CassandraUpsert{" + cql + (writeTimestamp != null ? ", write timestamp" : "") + "}";
    }
}
