package dev.tally.reconciliation;

import dev.tally.schema.adclick.AdClickEvent;
import java.io.IOException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/** Reads the raw archive's Avro container files (written by the job's file sink) as clicks. */
public final class AvroArchiveFormat extends SimpleStreamFormat<AdClickEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public StreamFormat.Reader<AdClickEvent> createReader(Configuration config, FSDataInputStream stream)
            throws IOException {
        DataFileStream<AdClickEvent> file =
                new DataFileStream<>(
                        stream,
                        new SpecificDatumReader<>(
                                AdClickEvent.getClassSchema(), AdClickEvent.getClassSchema(), SpecificData.getForClass(AdClickEvent.class)));
        return new StreamFormat.Reader<>() {
            @Override
            public AdClickEvent read() {
                return file.hasNext() ? file.next() : null;
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }

    @Override
    public TypeInformation<AdClickEvent> getProducedType() {
        return new AvroTypeInfo<>(AdClickEvent.class);
    }
}
