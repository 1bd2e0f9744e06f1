package dev.tally.jobs.adclick.functions;

import java.util.Objects;
import org.apache.flink.api.java.functions.KeySelector;

/** Key of {@link MergeTopN}: one ranking per filter and window size. */
public class RankingKey {

    public int filterId;
    public int windowMinutes;

    public RankingKey() {}

    public RankingKey(int filterId, int windowMinutes) {
        this.filterId = filterId;
        this.windowMinutes = windowMinutes;
    }

    /** Keys local top-N candidates by (filterId, windowMinutes). */
    public static final class Selector implements KeySelector<TopCandidates, RankingKey> {
        private static final long serialVersionUID = 1L;

        @Override
        public RankingKey getKey(TopCandidates candidates) {
            return new RankingKey(candidates.filterId, candidates.windowMinutes);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RankingKey)) {
            return false;
        }
        RankingKey that = (RankingKey) o;
        return filterId == that.filterId && windowMinutes == that.windowMinutes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(filterId, windowMinutes);
    }

    @Override
    public String toString() {
        return "RankingKey{filterId=" + filterId + ", windowMinutes=" + windowMinutes + '}';
    }
}
