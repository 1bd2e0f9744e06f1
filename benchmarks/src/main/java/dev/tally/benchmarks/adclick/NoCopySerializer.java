package dev.tally.benchmarks.adclick;

import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Output serializer for a test harness that hands records on instead of deep-copying them.
 *
 * <p>The harness copies every output record with its serializer, so an unaltered harness would
 * measure the copy as much as the operator. The job runs with object reuse on (flink-conf), where a
 * chained operator's output is not copied either.
 */
final class NoCopySerializer<T> extends TypeSerializer<T> {

    private static final long serialVersionUID = 1L;

    private final TypeSerializer<T> delegate;

    private NoCopySerializer(TypeSerializer<T> delegate) {
        this.delegate = delegate;
    }

    static <T> NoCopySerializer<T> of(Class<T> type) {
        return new NoCopySerializer<>(TypeInformation.of(type).createSerializer(new SerializerConfigImpl()));
    }

    @Override
    public T copy(T from) {
        return from;
    }

    @Override
    public T copy(T from, T reuse) {
        return from;
    }

    @Override
    public boolean isImmutableType() {
        return delegate.isImmutableType();
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return new NoCopySerializer<>(delegate.duplicate());
    }

    @Override
    public T createInstance() {
        return delegate.createInstance();
    }

    @Override
    public int getLength() {
        return delegate.getLength();
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        delegate.serialize(record, target);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        return delegate.deserialize(source);
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return delegate.deserialize(reuse, source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        delegate.copy(source, target);
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return delegate.snapshotConfiguration();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoCopySerializer<?> other && delegate.equals(other.delegate);
    }

    @Override
    public int hashCode() {
        return delegate.hashCode();
    }
}
