package dev.tally.connectors.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A {@link CassandraUpsert} with its prepared statement, binding the records of one sink writer.
 *
 * <p>Each marker's codec is looked up once and kept while the values fit it: the driver's {@code
 * boundStatementBuilder(values...)} looks every value's codec up again, by scanning its codecs, once
 * per row. Not thread-safe: the writer's task thread is its only user.
 */
final class PreparedUpsert<T> {

    private final CassandraUpsert<T> upsert;
    private final PreparedStatement prepared;
    private final ColumnDefinitions markers;
    private final int timestampIndex;
    private final int timeToLiveIndex;
    private final int valueCount;
    private final TypeCodec<Object>[] codecs;
    private final boolean[] text;

    /** The last write timestamp given, in microseconds: each bind gets a later one. */
    private long lastMicros;

    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of generic codecs
    PreparedUpsert(CassandraUpsert<T> upsert, PreparedStatement prepared) {
        this.upsert = upsert;
        this.prepared = prepared;
        this.markers = prepared.getVariableDefinitions();
        this.timestampIndex = upsert.checkPrepared(prepared);
        this.timeToLiveIndex = upsert.timeToLiveIndex(prepared);
        this.valueCount = markers.size() - (timestampIndex >= 0 ? 1 : 0) - (timeToLiveIndex >= 0 ? 1 : 0);
        this.codecs = new TypeCodec[markers.size()];
        this.text = new boolean[markers.size()];
        for (int i = 0; i < text.length; i++) {
            text[i] = DataTypes.TEXT.equals(markers.get(i).getType());
        }
    }

    BoundStatement bind(T record) {
        BoundStatementBuilder row = prepared.boundStatementBuilder();
        if (upsert.binder() != null) {
            row = upsert.binder().bind(record, row);
        } else {
            Object[] values = upsert.values().values(record);
            // Not checkArgument: its varargs would box and allocate on every row.
            if (values.length != valueCount) {
                throw new IllegalArgumentException(
                        "Got " + values.length + " values for the " + valueCount + " markers of: " + upsert.cql());
            }
            int marker = 0;
            for (Object value : values) {
                while (marker == timestampIndex || marker == timeToLiveIndex) {
                    marker++;
                }
                row = set(row, marker++, value);
            }
        }
        if (timestampIndex >= 0) {
            row = row.setLong(timestampIndex, upsert.writeTimestamp().micros(record));
        } else {
            // Set now, not when the driver sends it: a retry of this row, after a newer value of the
            // same key was written, must lose to it, so it keeps the time it was made.
            row = row.setQueryTimestamp(nextMicros());
        }
        if (timeToLiveIndex >= 0) {
            row = row.setInt(
                    timeToLiveIndex, Math.max(1, upsert.timeToLive().seconds(record, System.currentTimeMillis())));
        }
        // Safe because every accepted statement is a plain upsert; lets the driver retry timeouts.
        return row.setIdempotence(true).build();
    }

    /** Wall-clock microseconds, strictly increasing across this writer's binds. */
    long nextMicros() {
        lastMicros = Math.max(System.currentTimeMillis() * 1000, lastMicros + 1);
        return lastMicros;
    }

    private BoundStatementBuilder set(BoundStatementBuilder row, int marker, Object value) {
        if (value == null) {
            return upsert.nullsUnset() ? row : row.setToNull(marker);
        }
        if (text[marker] && value instanceof String string) {
            // The same UTF-8 bytes as the driver's text codec, which goes through a CharsetEncoder and
            // a CharBuffer per value: that codec was a tenth of the time to emit a minute's counts.
            return row.setBytesUnsafe(marker, ByteBuffer.wrap(string.getBytes(StandardCharsets.UTF_8)));
        }
        TypeCodec<Object> codec = codecs[marker];
        if (codec == null || !codec.accepts(value)) {
            codec = row.codecRegistry().codecFor(markers.get(marker).getType(), value);
            codecs[marker] = codec;
        }
        return row.set(marker, value, codec);
    }
}
