package dev.tally.jobs.adclick;

import dev.tally.connectors.kafka.Decoded;
import dev.tally.jobs.kit.JobRunner;
import dev.tally.jobs.kit.SqlYardstick;
import dev.tally.schema.adclick.AdClickEvent;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The ad-click job's query in Flink SQL ({@link AdClickSqlQuery}). */
public final class AdClickSqlJob extends SqlYardstick<AdClickEvent, AdClickOptions, AdClickPipeline.Outputs> {

    public AdClickSqlJob() {
        super(new AdClickJob(), "The ad-click job's query in Flink SQL, the yardstick of ./tally bench ad-clicks.");
    }

    public static void main(String[] args) throws Exception {
        JobRunner.run(new AdClickSqlJob(), args);
    }

    @Override
    public AdClickPipeline.Outputs build(DataStream<Decoded<AdClickEvent>> input, AdClickOptions options) {
        return AdClickSqlQuery.build(input, options);
    }
}
