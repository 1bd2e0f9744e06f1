package dev.tally.jobs.kit;

import dev.tally.schema.common.DeadLetter;
import org.apache.flink.streaming.api.datastream.DataStream;

/** How a job joins the dead letters of its stages into the one stream its dead-letter sink takes. */
public final class DeadLetterStreams {

    private DeadLetterStreams() {}

    /**
     * The dead letters of the source's stage and of stages behind a keyed shuffle, as one stream
     * redistributed round-robin.
     *
     * <p>Not a plain union: its two edges into the sink would be forward edges, which Flink checkpoints
     * aligned (and then every input edge of the sink). The checkpoint barrier reaches the later stage
     * through the keyed shuffle first (unaligned, from any source subtask), so the sink would block
     * that stage's channel until the source subtask of its own forward edge sends the barrier; a
     * source subtask blocked on output to that very stage never does. The metrics job hung so at
     * 200,000 series (both sources blocked emitting a minute's batches, the rollup stage blocked on
     * its conflicts' channel to the sink, the sink waiting for a source's barrier, checkpoints
     * expiring). Round-robin edges are checkpointed unaligned, so the sink never waits; dead letters
     * have no order to keep.
     */
    @SafeVarargs
    public static DataStream<DeadLetter> union(DataStream<DeadLetter> atSource, DataStream<DeadLetter>... later) {
        DataStream<DeadLetter> all = atSource;
        for (DataStream<DeadLetter> stream : later) {
            all = all.union(stream);
        }
        return all.rebalance();
    }
}
