package dev.tally.jobs.adclick;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.adclick.functions.AdFilterKey;
import dev.tally.jobs.adclick.functions.ClickCount;
import dev.tally.jobs.adclick.functions.ClickFilters;
import dev.tally.jobs.adclick.functions.CountKey;
import dev.tally.jobs.adclick.functions.DeduplicateClicks;
import dev.tally.jobs.adclick.functions.MergeTopN;
import dev.tally.jobs.adclick.functions.MinuteCountWindow;
import dev.tally.jobs.adclick.functions.PreAggregateClicks;
import dev.tally.jobs.adclick.functions.RankingKey;
import dev.tally.jobs.adclick.functions.RollingTopCandidates;
import dev.tally.jobs.adclick.functions.TopCandidates;
import dev.tally.jobs.kit.RouteInvalidRecords;
import dev.tally.schema.adclick.AdClickCount;
import dev.tally.schema.adclick.AdClickEvent;
import dev.tally.schema.adclick.AdCountryCount;
import dev.tally.schema.adclick.TopAds;
import dev.tally.schema.common.DeadLetter;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The ad-click aggregation DAG, from decoded input records to every result stream. The live job, the
 * tests and the replay all call {@link #build}; only their sources and sinks differ.
 */
public final class AdClickPipeline {

    private AdClickPipeline() {}

    /** What the DAG computes, as opposed to where it reads and writes. */
    public record Settings(
            ClickFilters filters,
            Duration dedupHorizon,
            Duration allowedLateness,
            int topN,
            int[] windowMinutes,
            int preAggregateMaxEntries)
            implements Serializable {}

    /** Every result stream of the DAG; {@code late} is null for a DAG that drops late clicks (the SQL yardstick). */
    public record Outputs(
            DataStream<AdClickEvent> accepted,
            DataStream<DeadLetter> deadLetters,
            DataStream<AdClickEvent> late,
            DataStream<AdClickCount> counts,
            DataStream<AdCountryCount> countryCounts,
            DataStream<TopAds> topAds) {}

    public static Outputs build(DataStream<Decoded<AdClickEvent>> input, Settings settings) {
        SingleOutputStreamOperator<AdClickEvent> accepted = input.process(
                        new RouteInvalidRecords<>(), new AvroTypeInfo<>(AdClickEvent.class))
                .uid("route-invalid-clicks")
                .name("route-invalid-clicks");

        SingleOutputStreamOperator<AdClickEvent> unique = accepted.keyBy(AdClickEvent::getClickId, Types.STRING)
                .transform(
                        "deduplicate-clicks",
                        new AvroTypeInfo<>(AdClickEvent.class),
                        new DeduplicateClicks(settings.dedupHorizon(), settings.allowedLateness()))
                .uid("deduplicate-clicks");

        // Partial counts per subtask, so a hot ad reaches the keyed window as a few records, not thousands.
        SingleOutputStreamOperator<ClickCount> partials = unique.transform(
                        "pre-aggregate-clicks",
                        TypeInformation.of(ClickCount.class),
                        new PreAggregateClicks(settings.filters(), settings.preAggregateMaxEntries()))
                .uid("pre-aggregate-clicks");

        // Two consumers of the partials: the count window adds up the country rows; the rolling
        // sums, which hold each (ad, filter)'s count per minute for the ranking anyway, emit the
        // 1-minute filter counts themselves. A new uid for the window since the state of Flink's
        // window operator, which counted here before, is not read by this one (README: upgrading).
        SingleOutputStreamOperator<ClickCount> windowCounts = partials.filter(ClickCount::isCountryDimension)
                .name("country-partials")
                .keyBy(new CountKey.Selector())
                .transform(
                        "minute-counts",
                        TypeInformation.of(ClickCount.class),
                        new MinuteCountWindow(settings.allowedLateness()))
                .uid("minute-count-window");

        // Versions that counted the filter rows in the window too leave their open minutes' partial
        // totals in its state; the window emits them when their minutes close, and the rolling sums
        // add them to the partials that came after the upgrade.
        DataStream<ClickCount> filterPartials = partials.filter(count -> !count.isCountryDimension())
                .name("filter-partials")
                .union(windowCounts
                        .filter(count -> !count.isCountryDimension())
                        .name("filter-totals-of-earlier-versions"));

        // Two stages: each subtask's own top N of its keys' window sums, then one merge per (filter,
        // window size). The uid is the per-key-timer version's, whose keyed state this one reads.
        SingleOutputStreamOperator<TopCandidates> candidates = filterPartials
                .keyBy(new AdFilterKey.Selector())
                .transform(
                        "rolling-top-candidates",
                        TypeInformation.of(TopCandidates.class),
                        new RollingTopCandidates(settings.topN(), settings.allowedLateness(), settings.windowMinutes()))
                .uid("rolling-window-sums");

        SingleOutputStreamOperator<AdClickCount> counts = windowCounts
                .filter(ClickCount::isCountryDimension)
                .name("country-counts")
                .union(candidates.getSideOutput(RollingTopCandidates.FILTER_COUNTS))
                .process(new ToAdClickCount(), new AvroTypeInfo<>(AdClickCount.class))
                .uid("to-ad-click-count")
                .name("to-ad-click-count");

        SingleOutputStreamOperator<TopAds> topAds = candidates
                .keyBy(new RankingKey.Selector())
                .process(new MergeTopN(settings.topN()), new AvroTypeInfo<>(TopAds.class))
                .uid("merge-top-n")
                .name("merge-top-n");

        return new Outputs(
                accepted,
                accepted.getSideOutput(RouteInvalidRecords.DEAD_LETTERS),
                unique.getSideOutput(DeduplicateClicks.LATE),
                counts,
                counts.getSideOutput(ToAdClickCount.COUNTRY_COUNTS),
                topAds);
    }
}
