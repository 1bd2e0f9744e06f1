package dev.tally.jobs.salesrank.functions;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.kafka.DeadLetters;
import dev.tally.jobs.kit.RecordFate;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.jobs.kit.state.EmittedThrough;
import dev.tally.schema.common.DeadLetter;
import dev.tally.schema.salesrank.Purchase;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One transaction (keyed by {@code tx_id}): passes its first copy on and decides every record's fate.
 *
 * <ul>
 *   <li>Late: the first window holding the purchase's hour has been emitted (the watermark reached
 *       its end - 1), so counting it would change windows already published; it goes to the late
 *       output, which a replay repairs.
 *   <li>Duplicate: the same purchase again within the dedup horizon of event time after its {@code
 *       ts}; dropped.
 *   <li>Conflicting: the same {@code tx_id} with other content within the horizon; a dead letter
 *       ({@code CONFLICTING_PURCHASE}), and the copy accepted first counts. (A BATCH replay reads a
 *       transaction's copies in no set order, so of conflicting ones it may keep another.)
 * </ul>
 *
 * <p>A transaction is forgotten when the watermark passes its {@code ts} + the horizon. The horizon is
 * at least an hour, so by then its hour's first window has been emitted and any copy with the same
 * {@code ts} is late, never counted twice.
 */
public final class DeduplicatePurchases extends KeyedProcessFunction<String, Purchase, Purchase>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Purchase> LATE =
            new OutputTag<>("late-purchases", new AvroTypeInfo<>(Purchase.class));

    public static final String CONFLICTING_PURCHASE = "CONFLICTING_PURCHASE";

    private final long horizonMillis;
    private final String inputTopic;

    /** The late test's watermark, from a restore's first record on: the highest any old subtask had. */
    private transient EmittedThrough lateTest;

    private transient ValueState<Purchase> kept;
    private transient AvroCodec<Purchase> codec;
    private transient Counter accepted;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter invalid;

    public DeduplicatePurchases(Duration dedupHorizon, String inputTopic) {
        if (dedupHorizon.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("the dedup horizon must be at least an hour, was " + dedupHorizon);
        }
        this.horizonMillis = dedupHorizon.toMillis();
        this.inputTopic = inputTopic;
    }

    @Override
    public void open(OpenContext openContext) {
        kept = getRuntimeContext().getState(new ValueStateDescriptor<>("kept", new AvroTypeInfo<>(Purchase.class)));
        codec = AvroCodec.of(Purchase.class);
        accepted = RecordFate.ACCEPTED.counter(getRuntimeContext().getMetricGroup());
        duplicates = RecordFate.DUPLICATE.counter(getRuntimeContext().getMetricGroup());
        late = RecordFate.LATE.counter(getRuntimeContext().getMetricGroup());
        invalid = RecordFate.INVALID.counter(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        lateTest = EmittedThrough.highestRestored();
        lateTest.initializeState(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        lateTest.snapshotState();
    }

    @Override
    public void processElement(Purchase purchase, Context ctx, Collector<Purchase> out) throws Exception {
        lateTest.advance(ctx.timerService().currentWatermark());
        long ts = purchase.getTs();
        if (SalesWindows.firstWindowEnd(SalesWindows.paneOf(ts)) - 1 <= lateTest.watermark()) {
            late.inc();
            ctx.output(LATE, purchase);
            return;
        }
        Purchase first = kept.value();
        if (first == null) {
            // A copy: the network input may deserialize the next record into this one, and heap
            // state keeps the reference.
            kept.update(Purchase.newBuilder(purchase).build());
            ctx.timerService().registerEventTimeTimer(ts + horizonMillis);
            accepted.inc();
            out.collect(purchase);
        } else if (first.equals(purchase)) {
            duplicates.inc();
        } else {
            invalid.inc();
            ctx.output(RouteInvalidRecords.DEAD_LETTERS, conflict(purchase, first));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Purchase> out) throws Exception {
        lateTest.advanceOnTimer(timestamp, ctx.timerService().currentWatermark());
        Purchase first = kept.value();
        // A copy with a later ts than the first registered no timer of its own: the first's clears.
        if (first != null && timestamp >= first.getTs() + horizonMillis) {
            kept.clear();
        }
    }

    private DeadLetter conflict(Purchase refused, Purchase first) {
        return DeadLetters.fromStage(
                codec.encode(refused),
                inputTopic,
                CONFLICTING_PURCHASE,
                "tx_id " + refused.getTxId() + " was accepted with other content: " + first);
    }
}
