package dev.tally.jobs.adclick.functions;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One subtask's best ads for one (filter, window size, window end), ordered by {@link TopNOrder}. */
public class TopCandidates {

    public int filterId;
    public int windowMinutes;
    /** Exclusive end of the window, a minute boundary in epoch milliseconds UTC. */
    public long windowEnd;

    /** An ArrayList because that is what Flink's list serializer restores. */
    public List<AdTotal> ads = new ArrayList<>();

    public TopCandidates() {}

    public TopCandidates(int filterId, int windowMinutes, long windowEnd, List<AdTotal> ads) {
        this.filterId = filterId;
        this.windowMinutes = windowMinutes;
        this.windowEnd = windowEnd;
        this.ads = new ArrayList<>(ads);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TopCandidates)) {
            return false;
        }
        TopCandidates that = (TopCandidates) o;
        return filterId == that.filterId
                && windowMinutes == that.windowMinutes
                && windowEnd == that.windowEnd
                && Objects.equals(ads, that.ads);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filterId, windowMinutes, windowEnd, ads);
    }

    @Override
    public String toString() {
        return "TopCandidates{filterId="
                + filterId
                + ", windowMinutes="
                + windowMinutes
                + ", windowEnd="
                + windowEnd
                + ", ads="
                + ads
                + '}';
    }
}
