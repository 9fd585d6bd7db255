package dev.sagaline.schemas.serde;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 */
final class JavaListDatumReader<T> implements DatumReader<T> {

    private final SpecificDatumReader<T> delegate;

    JavaListDatumReader(Schema writer, Schema reader) {
        this.delegate = new SpecificDatumReader<>(writer, reader);
    }

    @Override
    public void setSchema(Schema schema) {
        delegate.setSchema(schema);
    }

    @Override
    public T read(T reuse, Decoder in) throws IOException {
        T record = delegate.read(reuse, in);
        withJavaLists(record);
        return record;
    }

    /** Returns {@code value} with every Avro array inside it replaced by an ArrayList, in place where possible. */
    private static Object withJavaLists(Object value) {
        if (value instanceof IndexedRecord) {
            IndexedRecord record = (IndexedRecord) value;
            int fields = record.getSchema().getFields().size();
            for (int i = 0; i < fields; i++) {
                Object field = record.get(i);
                Object replaced = withJavaLists(field);
                if (replaced != field) {
                    record.put(i, replaced);
                }
            }
            return record;
        }
        if (value instanceof GenericArray) {
            List<?> array = (List<?>) value;
            List<Object> list = new ArrayList<>(array.size());
            for (Object element : array) {
                list.add(withJavaLists(element));
            }
            return list;
        }
        if (value instanceof Map) {
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                replaceValue(entry);
            }
        }
        return value;
    }

    private static <V> void replaceValue(Map.Entry<?, V> entry) {
        Object replaced = withJavaLists(entry.getValue());
        if (replaced != entry.getValue()) {
            @SuppressWarnings("unchecked")
            V list = (V) replaced;
            entry.setValue(list);
        }
    }
}
