package dev.tally.jobs.leaderboard;

import dev.tally.jobs.kit.EventTime;
import dev.tally.schema.leaderboard.MatchResult;

/**
 * A match result's event time is its {@code ts}; its timestamp in the stream, which watermarks follow,
 * is when it was published ({@code published_at}), or its ts if that is later or not given. The
 * standings count a result from its timestamp, so a list as of t holds the results published by t: a
 * correction published ten minutes after its match changes the lists from then on, and not, as of its
 * match, lists already out. It is the producer's field, not the Kafka timestamp, because the input
 * topics stamp records with the broker's clock, which a replay or a compressed test stream do not share.
 */
public final class ResultTime implements EventTime<MatchResult> {

    private static final long serialVersionUID = 1L;

    @Override
    public long of(MatchResult result) {
        return result.getTs();
    }

    @Override
    public long timestamp(MatchResult result) {
        Long published = result.getPublishedAt();
        return published == null ? result.getTs() : Math.max(result.getTs(), published);
    }
}
