package dev.tally.jobs.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schema.common.DeadLetter;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BinaryOperator;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The dead-letter sink's input edges are checkpointed unaligned, so it never waits for one stage's barrier. */
class DeadLetterStreamsTest {

    @Test
    void theSinkOfLettersFromTheSourceAndFromBehindAShuffleIsCheckpointedUnaligned() {
        assertThat(sinkEdgesUnaligned(DeadLetterStreams::union)).hasSize(2).containsOnly(true);
        // What it replaces: a plain union, whose forward edges make every input of the sink aligned.
        assertThat(sinkEdgesUnaligned(DataStream::union)).hasSize(2).containsOnly(false);
    }

    /** Whether each input edge of the sink of {@code join}ed letters is checkpointed unaligned. */
    private static List<Boolean> sinkEdgesUnaligned(BinaryOperator<DataStream<DeadLetter>> join) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(1_000);
        env.getCheckpointConfig().enableUnalignedCheckpoints();
        DataStream<DeadLetter> atSource = env.fromData(new AvroTypeInfo<>(DeadLetter.class), letter());
        DataStream<DeadLetter> later = atSource.keyBy(DeadLetter::getReason, Types.STRING)
                .map(d -> d, new AvroTypeInfo<>(DeadLetter.class))
                .name("behind-a-shuffle");
        join.apply(atSource, later).sinkTo(new DiscardingSink<>()).name("dead-letter-sink");
        StreamNode sink = env.getStreamGraph().getStreamNodes().stream()
                .filter(n -> n.getOperatorName().contains("dead-letter-sink"))
                .findFirst()
                .orElseThrow();
        return sink.getInEdges().stream()
                .map(StreamEdge::supportsUnalignedCheckpoints)
                .toList();
    }

    private static DeadLetter letter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("in")
                .setSourcePartition(0)
                .setSourceOffset(0)
                .setSourceTimestamp(0)
                .setReason("UNDECODABLE")
                .setDetail("test")
                .setOriginal(ByteBuffer.wrap(new byte[0]))
                .build();
    }
}
