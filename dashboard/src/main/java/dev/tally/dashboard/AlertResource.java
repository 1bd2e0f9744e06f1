package dev.tally.dashboard;

import dev.tally.jobs.metrics.alerts.AlertEvents;
import dev.tally.schema.metrics.AlertEvent;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The metrics job's alerts: their latest states, and one alert's changes. */
final class AlertResource {

    /** Alerts read at most: rules times label sets stay in the hundreds; beyond it the answer says it is incomplete. */
    static final int LIMIT = 5_000;

    private static final List<String> ORDER = List.of("FIRING", "PENDING", "RESOLVED", "INACTIVE");
    private static final Comparator<AlertEvent> BY_URGENCY = Comparator.comparingInt(
                    (AlertEvent e) -> ORDER.indexOf(e.getState()))
            .thenComparing(AlertEvent::getAlert)
            .thenComparing(e -> AlertEvents.labelsKey(e.getLabels()));

    private final AlertQueries queries;

    AlertResource(AlertQueries queries) {
        this.queries = queries;
    }

    void register(Javalin app) {
        app.get("/v1/alerts", this::states);
        app.get("/v1/alerts/{alert}/history", this::history);
    }

    /**
     * {@code {state, alerts: [{alert, labels, labels_key, state, severity, value, threshold, active_since,
     * updated_at}], complete}}: each alert's latest state, firing first, then pending; {@code state=active}
     * (the default) leaves out the resolved and inactive ones, {@code state=all} keeps them.
     */
    private void states(Context ctx) {
        String state = ctx.queryParam("state") == null ? "active" : ctx.queryParam("state");
        if (!state.equals("active") && !state.equals("all")) {
            throw new BadParameter("state", "must be 'active' (pending and firing) or 'all'");
        }
        AlertQueries.States states = queries.states(LIMIT);
        List<Map<String, Object>> alerts = new ArrayList<>();
        states.alerts().stream()
                .filter(e -> state.equals("all")
                        || e.getState().equals("FIRING")
                        || e.getState().equals("PENDING"))
                .sorted(BY_URGENCY)
                .forEach(e -> alerts.add(json(e, "updated_at")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", state);
        body.put("alerts", alerts);
        body.put("complete", states.complete());
        ctx.json(body);
    }

    /** {@code {alert, labels_key, changes: [...]}}: the alert's state changes, newest first, at most {@code limit} (100). */
    private void history(Context ctx) {
        String alert = ctx.pathParam("alert");
        String labelsKey = ctx.queryParam("labels_key");
        if (labelsKey == null || !labelsKey.startsWith("{") || !labelsKey.endsWith("}")) {
            throw new BadParameter(
                    "labels_key", "is required: the alert's labels_key from /v1/alerts, such as {host=\"a\"}");
        }
        int limit = Params.integer(ctx, "limit", 100, 1, 10_000);
        List<Map<String, Object>> changes = new ArrayList<>();
        queries.history(alert, labelsKey, limit).forEach(e -> changes.add(json(e, "ts")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("alert", alert);
        body.put("labels_key", labelsKey);
        body.put("changes", changes);
        ctx.json(body);
    }

    private static Map<String, Object> json(AlertEvent e, String timeField) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("alert", e.getAlert());
        entry.put("labels", new TreeMap<>(e.getLabels()));
        entry.put("labels_key", AlertEvents.labelsKey(e.getLabels()));
        entry.put("state", e.getState());
        entry.put("severity", e.getSeverity());
        entry.put("value", e.getValue());
        entry.put("threshold", e.getThreshold());
        entry.put("active_since", Instant.ofEpochMilli(e.getActiveSince()).toString());
        entry.put(timeField, Instant.ofEpochMilli(e.getTs()).toString());
        if (e.getId() != null) {
            entry.put("id", e.getId());
        }
        return entry;
    }
}
