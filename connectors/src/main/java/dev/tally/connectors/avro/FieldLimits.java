package dev.tally.connectors.avro;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * The size limit of every field of an input record, read from its Avro schema: a string field's
 * {@code "maxLength"} (characters), an array's or map's {@code "maxItems"}, else {@link
 * #DEFAULT_MAX_LENGTH} and {@link #DEFAULT_MAX_ITEMS}. An oversize field must never reach keyed state
 * (a checkpoint's {@code writeUTF} fails above 64 KiB), Cassandra (keys above 64 KiB are refused) or
 * a result topic: a record with one is a dead letter ({@code FIELD_TOO_LONG}).
 */
public final class FieldLimits implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Characters of a string field without its own limit: room for any id or name, far below 64 KiB. */
    public static final int DEFAULT_MAX_LENGTH = 1024;

    /** Items of an array or map field without its own limit. */
    public static final int DEFAULT_MAX_ITEMS = 1000;

    public static final String REASON = "FIELD_TOO_LONG";

    private final List<Check> checks;

    private FieldLimits(List<Check> checks) {
        this.checks = checks;
    }

    /** The limits of a record schema's fields. */
    public static FieldLimits of(Schema record) {
        List<Check> checks = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            Schema type = nonNull(field.schema());
            switch (type.getType()) {
                case STRING ->
                    checks.add(new Check(
                            field.pos(),
                            field.name(),
                            Kind.STRING,
                            limit(field, "maxLength", DEFAULT_MAX_LENGTH),
                            null));
                case ARRAY, MAP ->
                    checks.add(new Check(
                            field.pos(),
                            field.name(),
                            Kind.ITEMS,
                            limit(field, "maxItems", DEFAULT_MAX_ITEMS),
                            nonNull(type.getType() == Schema.Type.ARRAY ? type.getElementType() : type.getValueType())
                                                    .getType()
                                            == Schema.Type.STRING
                                    ? DEFAULT_MAX_LENGTH
                                    : null));
                case RECORD -> checks.add(new Check(field.pos(), field.name(), Kind.RECORD, 0, null, of(type)));
                default -> {
                    // Numbers, booleans, enums and fixed have a size of their own.
                }
            }
        }
        return new FieldLimits(List.copyOf(checks));
    }

    /** Null when every field is within its limit, else which field is over and by how much. */
    public String violation(IndexedRecord record) {
        for (Check check : checks) {
            Object value = record.get(check.pos);
            if (value == null) {
                continue;
            }
            String over = check.violation(value);
            if (over != null) {
                return over;
            }
        }
        return null;
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                return branch;
            }
        }
        return schema;
    }

    private static int limit(Schema.Field field, String property, int defaultLimit) {
        Object value = field.getObjectProp(property);
        return value instanceof Number n ? n.intValue() : defaultLimit;
    }

    private enum Kind {
        STRING,
        ITEMS,
        RECORD
    }

    private record Check(int pos, String name, Kind kind, int limit, Integer itemLength, FieldLimits nested)
            implements Serializable {
        Check(int pos, String name, Kind kind, int limit, Integer itemLength) {
            this(pos, name, kind, limit, itemLength, null);
        }

        String violation(Object value) {
            switch (kind) {
                case STRING -> {
                    int length = ((CharSequence) value).length();
                    return length > limit
                            ? name + " is " + length + " characters long, over its limit of " + limit
                            : null;
                }
                case ITEMS -> {
                    Collection<?> items = value instanceof Map<?, ?> map ? map.values() : (Collection<?>) value;
                    if (items.size() > limit) {
                        return name + " has " + items.size() + " items, over its limit of " + limit;
                    }
                    if (value instanceof Map<?, ?> map) {
                        for (Object key : map.keySet()) {
                            if (key.toString().length() > DEFAULT_MAX_LENGTH) {
                                return name + " has a key over " + DEFAULT_MAX_LENGTH + " characters";
                            }
                        }
                    }
                    if (itemLength != null) {
                        for (Object item : items) {
                            if (item != null && ((CharSequence) item).length() > itemLength) {
                                return name + " has an item over " + itemLength + " characters";
                            }
                        }
                    }
                    return null;
                }
                default -> {
                    return nested.violation((IndexedRecord) value);
                }
            }
        }
    }
}
