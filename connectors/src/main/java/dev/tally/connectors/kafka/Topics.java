package dev.tally.connectors.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

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
    public static final String PURCHASES = "purchases";
    public static final String SALES_RANK = "sales-rank";

    /** Where a job sends input records it cannot accept. */
    public static String deadLetter(String inputTopic) {
        return inputTopic + ".dlq";
    }

    /** Where a job sends input records that arrived after their window closed. */
    public static String late(String inputTopic) {
        return inputTopic + ".late";
    }

    private Topics() {}

    /**
     * How an input topic must be configured: the broker stamps each record with its append time, so a
     * producer's clock, which also sets the event time, is not what the job's event-time range check
     * ({@code --max-event-future}) compares with. A replay from Kafka reads the same stamps and judges
     * the same way.
     */
    public static final Map<String, String> INPUT_CONFIG = Map.of("message.timestamp.type", "LogAppendTime");

    /** Every topic with its partition count and configuration, as the local stack creates them. */
    public static List<NewTopic> all(int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (String input : new String[] {AD_CLICKS, METRICS, LOCATIONS, MATCH_RESULTS, PURCHASES}) {
            topics.add(new NewTopic(input, partitions, (short) 1).configs(INPUT_CONFIG));
            topics.add(new NewTopic(deadLetter(input), 1, (short) 1));
            topics.add(new NewTopic(late(input), 1, (short) 1));
        }
        for (String output : new String[] {
            AD_CLICK_COUNTS,
            AD_TOP_ADS,
            METRIC_ROLLUPS,
            ALERTS,
            NAVIGATION_ROUTES,
            TRAFFIC_UPDATES,
            REROUTES,
            LEADERBOARD_UPDATES,
            LEADERBOARD_TOP,
            SALES_RANK
        }) {
            topics.add(new NewTopic(output, partitions, (short) 1));
        }
        return topics;
    }
}
