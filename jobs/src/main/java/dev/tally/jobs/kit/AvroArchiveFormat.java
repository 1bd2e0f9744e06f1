package dev.tally.jobs.kit;

import java.io.IOException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/** Reads the raw archive's Avro container files (written by {@link RawArchive#attach}) as records of {@code type}. */
public final class AvroArchiveFormat<T extends SpecificRecordBase> extends SimpleStreamFormat<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;

    public AvroArchiveFormat(Class<T> type) {
        this.type = type;
    }

    @Override
    public StreamFormat.Reader<T> createReader(Configuration config, FSDataInputStream stream) throws IOException {
        SpecificData data = SpecificData.getForClass(type);
        // The file's own schema is the writer's; the current class's is the reader's.
        DataFileStream<T> file =
                new DataFileStream<>(stream, new SpecificDatumReader<>(null, data.getSchema(type), data));
        return new StreamFormat.Reader<>() {
            @Override
            public T read() {
                return file.hasNext() ? file.next() : null;
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return new AvroTypeInfo<>(type);
    }
}
