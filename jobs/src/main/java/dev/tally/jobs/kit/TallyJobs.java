package dev.tally.jobs.kit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The jobs of the collection, from {@code META-INF/services/dev.tally.jobs.kit.TallyJob}, by name. */
public final class TallyJobs {

    private static final Map<String, TallyJob<?, ?, ?>> JOBS = load();

    private TallyJobs() {}

    /** Every registered job, in registration order. */
    public static List<TallyJob<?, ?, ?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(JOBS.values()));
    }

    public static List<String> names() {
        return List.copyOf(JOBS.keySet());
    }

    /** The job called {@code name}; an {@link IllegalArgumentException} naming the known ones if none is. */
    public static TallyJob<?, ?, ?> byName(String name) {
        TallyJob<?, ?, ?> job = JOBS.get(name);
        if (job == null) {
            throw new IllegalArgumentException("Unknown job '" + name + "'; known jobs: " + JOBS.keySet());
        }
        return job;
    }

    @SuppressWarnings("rawtypes")
    private static Map<String, TallyJob<?, ?, ?>> load() {
        Map<String, TallyJob<?, ?, ?>> jobs = new LinkedHashMap<>();
        for (TallyJob job : ServiceLoader.load(TallyJob.class, TallyJobs.class.getClassLoader())) {
            TallyJob<?, ?, ?> previous = jobs.put(job.name(), job);
            if (previous != null) {
                throw new IllegalStateException(
                        "Two jobs named " + job.name() + ": " + previous.getClass() + " and " + job.getClass());
            }
        }
        return jobs;
    }
}
