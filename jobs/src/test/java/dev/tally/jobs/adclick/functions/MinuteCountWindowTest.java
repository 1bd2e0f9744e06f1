package dev.tally.jobs.adclick.functions;

import static dev.tally.jobs.adclick.functions.AdClicks.T0;
import static dev.tally.jobs.adclick.functions.AdClicks.minute;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/** SumCounts + EmitMinuteCount in the 1-minute window the job builds, keyed by CountKey. */
class MinuteCountWindowTest {

    @Test
    void sumsPartialsPerKeyAndMinuteAndRefiresLateWithTheNewTotal() throws Exception {
        WindowOperatorBuilder<ClickCount, CountKey, TimeWindow> builder =
                new WindowOperatorBuilder<>(
                        TumblingEventTimeWindows.of(Duration.ofMinutes(1)),
                        EventTimeTrigger.create(),
                        new ExecutionConfig(),
                        TypeInformation.of(ClickCount.class),
                        new CountKey.Selector(),
                        TypeInformation.of(CountKey.class));
        builder.allowedLateness(Duration.ofMinutes(1));
        OneInputStreamOperator<ClickCount, ClickCount> window =
                builder.aggregate(new SumCounts(), new EmitMinuteCount(), Types.LONG);

        try (var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        window, new CountKey.Selector(), TypeInformation.of(CountKey.class))) {
            harness.open();
            send(harness, ClickCount.forFilter("ad1", 0, T0, 3));
            send(harness, ClickCount.forFilter("ad1", 0, T0, 2));
            send(harness, ClickCount.forFilter("ad1", 1, T0, 4));
            send(harness, ClickCount.forCountry("ad1", "US", T0, 4));
            send(harness, ClickCount.forFilter("ad1", 0, minute(1), 1));

            harness.processWatermark(T0 + 59_999);
            assertThat(harness.extractOutputValues())
                    .containsExactlyInAnyOrder(
                            ClickCount.forFilter("ad1", 0, T0, 5),
                            ClickCount.forFilter("ad1", 1, T0, 4),
                            ClickCount.forCountry("ad1", "US", T0, 4));
            harness.getOutput().clear();

            send(harness, ClickCount.forFilter("ad1", 0, T0, 2));
            assertThat(harness.extractOutputValues())
                    .containsExactly(ClickCount.forFilter("ad1", 0, T0, 7));
        }
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<CountKey, ClickCount, ClickCount> harness,
            ClickCount partial)
            throws Exception {
        harness.processElement(partial, Minutes.maxTimestamp(partial.minute));
    }
}
