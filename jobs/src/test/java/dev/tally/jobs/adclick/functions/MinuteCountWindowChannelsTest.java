package dev.tally.jobs.adclick.functions;

import static dev.tally.jobs.adclick.functions.AdClicks.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.OneInputStreamTask;
import org.apache.flink.streaming.runtime.tasks.StreamTaskMailboxTestHarness;
import org.apache.flink.streaming.runtime.tasks.StreamTaskMailboxTestHarnessBuilder;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.junit.jupiter.api.Test;

/**
 * The count window in a real task with two input channels, one per pre-aggregation subtask, as
 * input resumes after a job-wide idle period: the case that an operator harness, with its one
 * input, cannot show. Each pre-aggregation sends its partial of a minute and then the watermark
 * that ends it; the second one's thread is slower.
 */
class MinuteCountWindowChannelsTest {

    private static final long END = Minutes.maxTimestamp(T0);
    private static final ClickCount FROM_FIRST = ClickCount.forCountry("ad1", "US", T0, 3);
    private static final ClickCount FROM_SECOND = ClickCount.forCountry("ad1", "US", T0, 2);

    @Test
    void channelsNeverMarkedIdleCountBothPartials() throws Exception {
        // What the pre-aggregations send, since dedup's output is never idle (NeverIdle).
        try (var task = countWindow()) {
            bothAt(task, T0 - 1);
            resume(task, 0, FROM_FIRST);
            assertThat(totals(task)).isEmpty();
            resume(task, 1, FROM_SECOND);

            assertThat(totals(task)).containsExactly(ClickCount.forCountry("ad1", "US", T0, 5));
        }
    }

    @Test
    void channelsMarkedIdleLoseTheSlowerPartial() throws Exception {
        // Why NeverIdle exists: the statuses Flink passes on by default.
        try (var task = countWindow()) {
            bothAt(task, T0 - 1);
            task.processElement(WatermarkStatus.IDLE, 0, 0);
            task.processElement(WatermarkStatus.IDLE, 0, 1);
            task.processElement(WatermarkStatus.ACTIVE, 0, 0);
            resume(task, 0, FROM_FIRST);
            task.processElement(WatermarkStatus.ACTIVE, 0, 1);
            resume(task, 1, FROM_SECOND);

            assertThat(totals(task)).containsExactly(FROM_FIRST);
        }
    }

    private static StreamTaskMailboxTestHarness<ClickCount> countWindow() throws Exception {
        TypeInformation<ClickCount> type = TypeInformation.of(ClickCount.class);
        return new StreamTaskMailboxTestHarnessBuilder<>(OneInputStreamTask::new, type)
                .addInput(type, 2, new CountKey.Selector())
                .setKeyType(TypeInformation.of(CountKey.class))
                .setupOutputForSingletonOperatorChain(new MinuteCountWindow(Duration.ZERO))
                .build();
    }

    private static void bothAt(StreamTaskMailboxTestHarness<ClickCount> task, long watermark) throws Exception {
        task.processElement(new Watermark(watermark), 0, 0);
        task.processElement(new Watermark(watermark), 0, 1);
    }

    private static void resume(StreamTaskMailboxTestHarness<ClickCount> task, int channel, ClickCount partial)
            throws Exception {
        task.processElement(new StreamRecord<>(partial, END), 0, channel);
        task.processElement(new Watermark(END), 0, channel);
    }

    private static List<ClickCount> totals(StreamTaskMailboxTestHarness<ClickCount> task) {
        return task.getOutput().stream()
                .filter(StreamRecord.class::isInstance)
                .map(element -> (ClickCount) ((StreamRecord<?>) element).getValue())
                .toList();
    }
}
