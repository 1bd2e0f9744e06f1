package dev.tally.jobs.smoke;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Proves a cluster runs Tally's jar: a bounded generator, a keyed count in RocksDB state, and a log line
 * per key at the end. {@code flink run -c dev.tally.jobs.smoke.SmokeJob tally-jobs.jar [count]}.
 */
public final class SmokeJob {

    public static void main(String[] args) throws Exception {
        long count = args.length > 0 ? Long.parseLong(args[0]) : 100_000;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<Long> numbers = env.fromSource(
                        new DataGeneratorSource<>(i -> i, count, RateLimiterStrategy.perSecond(50_000), Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "numbers")
                .uid("numbers");
        numbers.keyBy(n -> n % 10)
                .process(new CountPerKey())
                .uid("count-per-key")
                .name("count-per-key")
                .print()
                .name("print-totals");
        env.execute("tally-smoke");
    }

    /** Counts the numbers of each key and emits the total when the input ends. */
    static final class CountPerKey extends KeyedProcessFunction<Long, Long, Tuple2<Long, Long>> {
        private transient ValueState<Long> seen;

        @Override
        public void open(OpenContext openContext) {
            seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.LONG));
        }

        @Override
        public void processElement(Long value, Context ctx, Collector<Tuple2<Long, Long>> out) throws Exception {
            Long previous = seen.value();
            long total = previous == null ? 1 : previous + 1;
            seen.update(total);
            if (total == 1) {
                // Bounded input ends with a final watermark at Long.MAX_VALUE, firing this timer once.
                ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
            }
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<Tuple2<Long, Long>> out) throws Exception {
            out.collect(Tuple2.of(ctx.getCurrentKey(), seen.value()));
            seen.clear();
        }
    }
}
