package dev.tally.dashboard;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.jobs.salesrank.SalesRankTables;
import dev.tally.schema.salesrank.CategoryBestSellers;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sales-rank query: a category's list of the newest window ending at or before a time, the first
 * row of one slice of the category's partition (newest first).
 */
final class SalesRankQueries {

    static final String AT_OR_BEFORE =
            SalesRankTables.SALES_RANK.selectCql() + " WHERE category_id = ? AND window_end <= ? LIMIT 1";

    private final CassandraSessions cassandra;
    private final Map<CqlSession, PreparedStatement> prepared = new ConcurrentHashMap<>();

    SalesRankQueries(CassandraSessions cassandra) {
        this.cassandra = cassandra;
    }

    /** The category's list of the newest window ending at or before {@code at}; null if it has none. */
    CategoryBestSellers bestSellers(String categoryId, Instant at) {
        return cassandra.query(session -> {
            Row row = session.execute(prepared.computeIfAbsent(session, s -> s.prepare(AT_OR_BEFORE))
                            .bind(categoryId, at))
                    .one();
            return row == null ? null : SalesRankTables.SALES_RANK.read(row);
        });
    }
}
