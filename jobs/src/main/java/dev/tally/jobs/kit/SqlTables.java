package dev.tally.jobs.kit;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * The table environment of the benchmarks' Flink SQL yardsticks ({@code ad-clicks-sql}, {@code
 * metrics-sql}), set up one way so that their figures compare. Only those jobs' query classes touch
 * this: a job class itself must load without Flink Table classes.
 */
public final class SqlTables {

    private SqlTables() {}

    /** A table environment of {@code env}, in UTC, tuned as Flink SQL is meant to be run for throughput. */
    public static StreamTableEnvironment create(StreamExecutionEnvironment env, String jobName) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.getConfig().set("pipeline.name", jobName);
        // Window bounds leave SQL as wall-clock times of the session zone: UTC makes them epoch times.
        tables.getConfig().set("table.local-time-zone", "UTC");
        tables.getConfig().set("table.exec.mini-batch.enabled", "true");
        tables.getConfig().set("table.exec.mini-batch.allow-latency", "1 s");
        tables.getConfig().set("table.exec.mini-batch.size", "5000");
        return tables;
    }

    /** A window bound of a row from a table environment of {@link #create}, as the epoch milliseconds the records carry. */
    public static long epochMillis(Row row, String field) {
        return row.<LocalDateTime>getFieldAs(field).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
