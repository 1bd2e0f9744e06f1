package dev.tally.loadgen.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The registered {@link JobTools}, in registration order. */
public final class JobToolsRegistry {

    private JobToolsRegistry() {}

    public static List<JobTools> all() {
        List<JobTools> tools = new ArrayList<>();
        ServiceLoader.load(JobTools.class, JobToolsRegistry.class.getClassLoader())
                .forEach(tools::add);
        return tools;
    }

    /** The tools of the job registered as {@code job}; an unknown name is refused with the known ones. */
    public static JobTools of(String job) {
        List<String> known = new ArrayList<>();
        for (JobTools tools : all()) {
            if (tools.job().equals(job)) {
                return tools;
            }
            known.add(tools.job());
        }
        throw new IllegalArgumentException(
                "no tools for job '" + job + "'; jobs with tools: " + String.join(", ", known));
    }
}
