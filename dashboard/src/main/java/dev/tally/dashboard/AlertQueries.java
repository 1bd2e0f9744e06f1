package dev.tally.dashboard;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.jobs.metrics.MetricsTables;
import dev.tally.schema.metrics.AlertEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics job's alerts: every alert's latest state (the whole of {@code alert_state}: one row per
 * alert, a table of hundreds, read to a limit) and one alert's changes (one partition of
 * {@code alert_history}, newest first).
 */
final class AlertQueries {

    static final String STATES = MetricsTables.ALERT_STATE.selectCql() + " LIMIT ?";
    static final String HISTORY =
            MetricsTables.ALERT_HISTORY.selectCql() + " WHERE alert = ? AND labels_key = ? LIMIT ?";

    /** The latest states read, and whether the table held no more than the limit. */
    record States(List<AlertEvent> alerts, boolean complete) {}

    private final CassandraSessions cassandra;
    private final Map<CqlSession, Map<String, PreparedStatement>> prepared = new ConcurrentHashMap<>();

    AlertQueries(CassandraSessions cassandra) {
        this.cassandra = cassandra;
    }

    States states(int limit) {
        return cassandra.query(session -> {
            List<AlertEvent> alerts = new ArrayList<>();
            for (Row row :
                    session.execute(statement(session, STATES).bind(limit + 1).setPageSize(1_000))) {
                alerts.add(MetricsTables.ALERT_STATE.read(row));
            }
            boolean complete = alerts.size() <= limit;
            return new States(complete ? alerts : alerts.subList(0, limit), complete);
        });
    }

    List<AlertEvent> history(String alert, String labelsKey, int limit) {
        return cassandra.query(session -> {
            List<AlertEvent> changes = new ArrayList<>();
            for (Row row : session.execute(statement(session, HISTORY).bind(alert, labelsKey, limit))) {
                changes.add(MetricsTables.ALERT_HISTORY.read(row));
            }
            return changes;
        });
    }

    private PreparedStatement statement(CqlSession session, String cql) {
        return prepared.computeIfAbsent(session, s -> new ConcurrentHashMap<>()).computeIfAbsent(cql, session::prepare);
    }
}
