package dev.tally.jobs.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.common.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

class AcceptedRecordsIdlenessTest {

    private final ManualClock clock = new ManualClock();
    private final Output output = new Output();
    private final AcceptedRecordsIdleness<AdClickEvent> watermarks = new AcceptedRecordsIdleness<>(
            new BoundedOutOfOrdernessWatermarks<>(Duration.ofSeconds(15)), Duration.ofSeconds(30), clock);

    @Test
    void aSplitCarryingOnlyRejectedRecordsGoesIdle() {
        for (int second = 0; second < 40; second++) {
            watermarks.onEvent(rejected(), Long.MIN_VALUE, output);
            clock.advanceTime(Duration.ofSeconds(1));
            watermarks.onPeriodicEmit(output);
        }
        assertThat(output.idle).isTrue();
        assertThat(output.watermarks).isNotEmpty().allSatisfy(w -> assertThat(w).isEqualTo(Long.MIN_VALUE));
    }

    @Test
    void acceptedRecordsKeepItActiveAndMoveTheWatermark() {
        for (int second = 0; second < 40; second++) {
            watermarks.onEvent(rejected(), Long.MIN_VALUE, output);
            watermarks.onEvent(accepted(100_000 + second * 1000L), 100_000 + second * 1000L, output);
            clock.advanceTime(Duration.ofSeconds(1));
            watermarks.onPeriodicEmit(output);
        }
        assertThat(output.idle).isFalse();
        assertThat(output.watermarks.get(output.watermarks.size() - 1)).isEqualTo(100_000 + 39_000 - 15_000 - 1);
    }

    @Test
    void anIdleSplitBecomesActiveWithItsNextAcceptedRecord() {
        clock.advanceTime(Duration.ofSeconds(31));
        watermarks.onPeriodicEmit(output);
        assertThat(output.idle).isTrue();

        watermarks.onEvent(accepted(50_000), 50_000, output);
        watermarks.onPeriodicEmit(output);

        assertThat(output.idle).isFalse();
        assertThat(output.watermarks).last().isEqualTo(50_000L - 15_000 - 1);
    }

    private static Decoded<AdClickEvent> accepted(long ts) {
        return Decoded.accepted(AdClickEvent.newBuilder()
                .setClickId("c")
                .setAdId("a")
                .setClickTs(ts)
                .build());
    }

    private static Decoded<AdClickEvent> rejected() {
        Decoded<AdClickEvent> decoded = new Decoded<>();
        decoded.deadLetter = DeadLetter.newBuilder()
                .setReason("UNDECODABLE")
                .setDetail("test")
                .setSourceTopic("t")
                .setSourcePartition(0)
                .setSourceOffset(0)
                .setSourceTimestamp(0)
                .setOriginal(ByteBuffer.wrap(new byte[] {1}))
                .build();
        return decoded;
    }

    /** What the generator said last: watermarks in order, and whether the split is idle. */
    private static final class Output implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
