package dev.tally.connectors.cassandra;

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinition;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The metadata a server returns when it prepares a statement, without a server: bind markers and
 * result columns with their CQL types, and bound statements encoded by the driver's own codecs.
 */
final class FakePreparedStatement {

    static final int TEXT = ProtocolConstants.DataType.VARCHAR;
    static final int INT = ProtocolConstants.DataType.INT;
    static final int BIGINT = ProtocolConstants.DataType.BIGINT;
    static final int BOOLEAN = ProtocolConstants.DataType.BOOLEAN;
    static final int COUNTER = ProtocolConstants.DataType.COUNTER;
    static final int TIMESTAMP = ProtocolConstants.DataType.TIMESTAMP;

    private final List<ColumnDefinition> variables = new ArrayList<>();
    private final List<ColumnDefinition> results = new ArrayList<>();

    /** Adds a bind marker named {@code name} (Cassandra's own names, e.g. "[timestamp]"). */
    FakePreparedStatement variable(String name, int type) {
        variables.add(column(name, variables.size(), type));
        return this;
    }

    /** Adds a result column, e.g. "[applied]" of a conditional statement. */
    FakePreparedStatement result(String name, int type) {
        results.add(column(name, results.size(), type));
        return this;
    }

    PreparedStatement build() {
        ColumnDefinitions variableDefinitions = DefaultColumnDefinitions.valueOf(variables);
        ColumnDefinitions resultDefinitions = DefaultColumnDefinitions.valueOf(results);
        PreparedStatement[] self = new PreparedStatement[1];
        self[0] = (PreparedStatement) Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getVariableDefinitions":
                            return variableDefinitions;
                        case "getResultSetDefinitions":
                            return resultDefinitions;
                        case "boundStatementBuilder":
                            return builder(self[0], variableDefinitions, (Object[]) args[0]);
                        case "toString":
                            return "FakePreparedStatement" + variables;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
        return self[0];
    }

    /** What {@code boundStatementBuilder(values...)} of the driver does: encode value i at i. */
    private static BoundStatementBuilder builder(
            PreparedStatement prepared, ColumnDefinitions variables, Object[] values) {
        // Every marker starts unset, as the driver's own builder starts them.
        ByteBuffer[] unset = new ByteBuffer[variables.size()];
        java.util.Arrays.fill(unset, com.datastax.oss.protocol.internal.ProtocolConstants.UNSET_VALUE);
        BoundStatementBuilder row = new BoundStatementBuilder(
                prepared,
                variables,
                unset,
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                null,
                false,
                Statement.NO_DEFAULT_TIMESTAMP,
                null,
                0,
                null,
                null,
                null,
                CodecRegistry.DEFAULT,
                ProtocolVersion.DEFAULT);
        if (values.length > variables.size()) {
            throw new IllegalArgumentException(
                    "Too many values: " + values.length + " for " + variables.size() + " markers");
        }
        for (int i = 0; i < values.length; i++) {
            row = setObject(row, i, values[i]);
        }
        return row;
    }

    @SuppressWarnings("unchecked")
    private static <V> BoundStatementBuilder setObject(BoundStatementBuilder row, int i, V value) {
        return value == null ? row.setToNull(i) : row.set(i, value, (Class<V>) value.getClass());
    }

    private static ColumnDefinition column(String name, int index, int type) {
        return new DefaultColumnDefinition(
                new ColumnSpec("ks", "t", name, index, RawType.PRIMITIVES.get(type)), AttachmentPoint.NONE);
    }
}
