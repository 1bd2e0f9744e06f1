package dev.tally.jobs.adclick;

import dev.tally.connectors.cassandra.CassandraConnection;
import dev.tally.connectors.cassandra.CassandraSink;
import dev.tally.connectors.cassandra.ResultTable;
import dev.tally.connectors.kafka.Decoded;
import dev.tally.connectors.kafka.RecordValidator;
import dev.tally.jobs.kit.EventTime;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.TallyJob;
import dev.tally.schema.adclick.AdClickEvent;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The ad-click aggregation job: reads Avro clicks from Kafka and writes exact per-minute counts and
 * sliding top-N ads to Kafka (exactly-once) and Cassandra (idempotent upserts). {@code --help} lists
 * the options; runtime tuning (state backend, checkpoints) comes from the cluster's flink-conf.
 */
public final class AdClickJob implements TallyJob<AdClickEvent, AdClickOptions, AdClickPipeline.Outputs> {

    public static final String NAME = "ad-clicks";

    /** {@code flink run -c dev.tally.jobs.adclick.AdClickJob}, as before the job collection's main. */
    public static void main(String[] args) throws Exception {
        JobRunner.run(new AdClickJob(), args);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Exact per-minute ad click counts per filter and country, and sliding top-N ads.";
    }

    @Override
    public AdClickOptions newOptions() {
        return new AdClickOptions();
    }

    @Override
    public Class<AdClickEvent> inputType() {
        return AdClickEvent.class;
    }

    @Override
    public RecordValidator<AdClickEvent> validator(AdClickOptions options) {
        return new ClickValidator(options.maxEventAge, options.maxEventFuture);
    }

    @Override
    public EventTime<AdClickEvent> eventTime() {
        return AdClickEvent::getClickTs;
    }

    @Override
    public AdClickPipeline.Outputs build(DataStream<Decoded<AdClickEvent>> input, AdClickOptions options) {
        return AdClickPipeline.build(input, options.settings());
    }

    @Override
    public void attachSinks(AdClickPipeline.Outputs results, AdClickOptions options) {
        AdClickSinks.attach(results, options);
    }

    @Override
    public void attachReplaySinks(
            AdClickPipeline.Outputs results, AdClickOptions options, CassandraConnection replayKeyspace) {
        // A replay is a bulk load into its own keyspace: the batching any cluster suits.
        AdClickSinks.attachCassandra(results, replayKeyspace, CassandraSink.Batching.DEFAULT);
    }

    @Override
    public List<ResultTable<?>> resultTables() {
        return AdClickTables.ALL;
    }
}
