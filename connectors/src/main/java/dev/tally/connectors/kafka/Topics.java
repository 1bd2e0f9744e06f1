package dev.tally.connectors.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every Kafka topic of Tally: its default name and partition count. Jobs take the names as options. */
public final class Topics {

    public static final String AD_CLICKS = "ad-clicks";
    public static final String AD_CLICK_COUNTS = "ad-click-counts";
    public static final String AD_TOP_ADS = "ad-top-ads";
    public static final String METRICS = "metrics";
    public static final String METRIC_ROLLUPS = "metric-rollups";
    public static final String ALERTS = "alerts";
    public static final String LOCATIONS = "locations";
    public static final String NAVIGATION_ROUTES = "navigation-routes";
    public static final String TRAFFIC_UPDATES = "traffic-updates";
    public static final String REROUTES = "reroutes";
    public static final String MATCH_RESULTS = "match-results";
    public static final String LEADERBOARD_UPDATES = "leaderboard-updates";
    public static final String LEADERBOARD_TOP = "leaderboard-top";

    /** Where a job sends input records it cannot accept. */
    public static String deadLetter(String inputTopic) {
        return inputTopic + ".dlq";
    }

    /** Where a job sends input records that arrived after their window closed. */
    public static String late(String inputTopic) {
        return inputTopic + ".late";
    }

    private Topics() {}

    /** Every topic with its partition count, as the local stack creates them. */
    public static Map<String, Integer> all(int partitions) {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String input : new String[] {AD_CLICKS, METRICS, LOCATIONS, MATCH_RESULTS}) {
            topics.put(input, partitions);
            topics.put(deadLetter(input), 1);
            topics.put(late(input), 1);
        }
        for (String output :
                new String[] {
                    AD_CLICK_COUNTS, AD_TOP_ADS, METRIC_ROLLUPS, ALERTS, NAVIGATION_ROUTES, TRAFFIC_UPDATES,
                    REROUTES, LEADERBOARD_UPDATES, LEADERBOARD_TOP
                }) {
            topics.put(output, partitions);
        }
        return topics;
    }
}
