package dev.tally.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A property every record of an output must have: how many were checked, and a few without it. */
public record RecordCheck(String what, long checked, long failed, List<String> examples) {

    public boolean passed() {
        return failed == 0;
    }

    /** Counts the records checked and keeps a few that failed. */
    public static final class Builder {
        private final String what;
        private long checked;
        private long failed;
        private final List<String> examples = new ArrayList<>();

        public Builder(String what) {
            this.what = what;
        }

        public void check(boolean ok, Supplier<String> example) {
            checked++;
            if (!ok) {
                failed++;
                if (examples.size() < 5) {
                    examples.add(example.get());
                }
            }
        }

        public RecordCheck build() {
            return new RecordCheck(what, checked, failed, List.copyOf(examples));
        }
    }
}
