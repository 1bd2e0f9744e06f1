package dev.tally.jobs.metrics.alerts;

import dev.tally.jobs.metrics.functions.SeriesKeys;
import dev.tally.schema.metrics.AlertEvent;
import java.util.Map;

/** How an alert's labels are keyed and its state changes identified: used by the job's operator and its tables. */
public final class AlertEvents {

    private AlertEvents() {}

    /** {@code {host="a",severity="page"}}: labels sorted by name; {@code {}} for none. */
    public static String labelsKey(Map<String, String> labels) {
        // The series key's form (sorted, escaped), so two label sets never share a key.
        return labels.isEmpty() ? "{}" : SeriesKeys.of("", labels);
    }

    /**
     * The event's id: the alert, its labels, the event time and the state. One evaluation changes an alert
     * once at most, so the id is unique, and a replay or a retry gives the same one: a notifier dedupes on it.
     */
    public static String id(String alert, Map<String, String> labels, long ts, String state) {
        return alert + labelsKey(labels) + "@" + ts + ":" + state;
    }

    /** The Kafka key: the alert and its labels, so all of one alert's changes are in order on one partition. */
    public static String kafkaKey(AlertEvent event) {
        return event.getAlert() + labelsKey(event.getLabels());
    }
}
