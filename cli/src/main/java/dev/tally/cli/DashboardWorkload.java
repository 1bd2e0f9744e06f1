package dev.tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;

/**
 * What {@code tally bench dashboard} asks the API: its queries, sent in turn, each answer checked against
 * the data set's model; and how to describe both in the report.
 */
interface DashboardWorkload {

    /** One request: its path and query, and the check of its answer (null when right, else what is wrong). */
    record Query(String pathAndQuery, Function<JsonNode, String> check) {}

    /** The labels of the queries, e.g. {@code GET /v1/ads/popular_ads}; request i is of query i mod their number. */
    List<String> labels();

    /** The next request of query {@code kind} (an index into {@link #labels}). */
    Query next(int kind);

    /** The report's line on the queries: what each asks and how its answer is checked. */
    String describeQueries();
}
