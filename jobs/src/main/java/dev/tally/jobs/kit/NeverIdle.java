package dev.tally.jobs.kit;

import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * The output of the operator that decides which records are late is never marked idle, so that a
 * record it accepts is on time for every operator after it.
 *
 * <p>That operator is keyed: each of its subtasks reads every source subtask, so all of them are
 * idle together and marking them idle gains no watermark progress. Their statuses reach an operator
 * downstream over separate channels though, from separate threads. When input resumes after a
 * job-wide idle period, that operator can hear "active" and a new watermark from one subtask while
 * another is still marked idle: it takes the first one's watermark alone, and the records then
 * arriving from the other one, accepted as on time, are behind it. The ad-click count window drops
 * such a partial count ({@code MinuteCountWindowChannelsTest} shows it in a task with two channels;
 * three clean-clone CI runs lost about half of a minute's clicks, none in the late topic, which fits
 * it); the leaderboard's standings would apply a change to a tournament they had already cleared.
 * A channel never marked idle holds the downstream watermark at the lowest of all the subtasks'
 * watermarks, and every one of them has decided its records against its own.
 *
 * <p>Flink passes a status on only through {@code processWatermarkStatus} of the operators in a chain
 * (an output's status is what it was last told), which is why this is an operator's override and
 * not a setting.
 */
public final class NeverIdle {

    private NeverIdle() {}

    /** Passes {@code status} to {@code output} unless it is idle. */
    public static void forward(WatermarkStatus status, Output<?> output) {
        if (status.isActive()) {
            output.emitWatermarkStatus(status);
        }
    }

    /** Flink's operator for a {@link KeyedProcessFunction} that decides lateness, with an output never idle. */
    public static final class KeyedProcess<K, I, O> extends KeyedProcessOperator<K, I, O> {

        private static final long serialVersionUID = 1L;

        public KeyedProcess(KeyedProcessFunction<K, I, O> function) {
            super(function);
        }

        @Override
        public void processWatermarkStatus(WatermarkStatus status) {
            forward(status, output);
        }
    }
}
