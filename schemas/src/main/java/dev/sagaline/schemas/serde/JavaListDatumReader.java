package dev.sagaline.schemas.serde;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericArray;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * A {@link SpecificDatumReader} whose records hold {@link ArrayList}s where Avro puts its own
 * {@code GenericData.Array}. Avro's array compares and hashes its elements with
 * {@code GenericData.get()}, which has no logical-type conversions, so {@code equals} and
 * {@code hashCode} of a decoded record throw "Unknown datum type java.time.Instant" as soon as one
 * of its lists holds a record with a nullable timestamp (as {@code SagaState.steps} does).
 * Replacing the arrays after the read works whichever of Avro's readers (classic or fast) ran.
 *
 * <p>It runs on every record the orchestrator reads, so it only walks the parts of the reader
 * schema that can hold an array, worked out once: records without arrays are returned untouched.
 */
final class JavaListDatumReader<T> implements DatumReader<T> {

    private final SpecificDatumReader<T> delegate;
    private final Schema reader;
    /** Every schema reachable from the reader's, mapped to whether its values can hold an array. */
    private final Map<Schema, Boolean> holdsArrays = new IdentityHashMap<>();

    JavaListDatumReader(Schema writer, Schema reader) {
        this.delegate = new SpecificDatumReader<>(writer, reader);
        this.reader = reader;
        mapArrays(reader, new HashSet<>());
    }

    @Override
    public void setSchema(Schema schema) {
        delegate.setSchema(schema);
    }

    @Override
    public T read(T reuse, Decoder in) throws IOException {
        T record = delegate.read(reuse, in);
        if (holdsArrays.get(reader)) {
            withJavaLists(record, reader);
        }
        return record;
    }

    /** Returns {@code value} with every Avro array inside it replaced by an ArrayList, in place where possible. */
    private Object withJavaLists(Object value, Schema schema) {
        switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                for (Schema.Field field : schema.getFields()) {
                    if (holdsArrays.get(field.schema())) {
                        Object current = record.get(field.pos());
                        Object replaced = current == null ? null : withJavaLists(current, field.schema());
                        if (replaced != current) {
                            record.put(field.pos(), replaced);
                        }
                    }
                }
                return record;
            }
            case ARRAY -> {
                List<?> array = (List<?>) value;
                boolean deep = holdsArrays.get(schema.getElementType());
                List<Object> list = new ArrayList<>(array.size());
                for (Object element : array) {
                    list.add(deep && element != null ? withJavaLists(element, schema.getElementType()) : element);
                }
                return list;
            }
            case MAP -> {
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    replaceValue(entry, schema.getValueType());
                }
                return value;
            }
            case UNION -> {
                for (Schema branch : schema.getTypes()) {
                    if (matches(value, branch)) {
                        return withJavaLists(value, branch);
                    }
                }
                return value;
            }
            default -> {
                return value;
            }
        }
    }

    private static boolean matches(Object value, Schema branch) {
        return switch (branch.getType()) {
            case RECORD -> value instanceof IndexedRecord r && r.getSchema().getFullName().equals(branch.getFullName());
            case ARRAY -> value instanceof GenericArray || value instanceof List;
            case MAP -> value instanceof Map;
            default -> false;
        };
    }

    private <V> void replaceValue(Map.Entry<?, V> entry, Schema valueSchema) {
        Object current = entry.getValue();
        Object replaced = current == null ? null : withJavaLists(current, valueSchema);
        if (replaced != current) {
            @SuppressWarnings("unchecked")
            V list = (V) replaced;
            entry.setValue(list);
        }
    }

    /** Records in {@link #holdsArrays} whether values of {@code schema} and of everything inside it can hold an array. */
    private boolean mapArrays(Schema schema, Set<String> visiting) {
        Boolean known = holdsArrays.get(schema);
        if (known != null) {
            return known;
        }
        boolean holds = switch (schema.getType()) {
            case ARRAY -> {
                mapArrays(schema.getElementType(), visiting);
                yield true;
            }
            case MAP -> mapArrays(schema.getValueType(), visiting);
            case UNION -> schema.getTypes().stream().map(branch -> mapArrays(branch, visiting)).reduce(false, Boolean::logicalOr);
            case RECORD -> visiting.add(schema.getFullName())
                    && schema.getFields().stream().map(field -> mapArrays(field.schema(), visiting)).reduce(false, Boolean::logicalOr);
            default -> false;
        };
        holdsArrays.put(schema, holds);
        return holds;
    }
}
