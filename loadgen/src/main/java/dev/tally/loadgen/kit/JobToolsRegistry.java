package dev.tally.loadgen.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The registered {@link JobTools}, in registration order. */
public final class JobToolsRegistry {

    private JobToolsRegistry() {}

    public static List<JobTools> all() {
        List<JobTools> tools = new ArrayList<>();
        ServiceLoader.load(JobTools.class, JobToolsRegistry.class.getClassLoader()).forEach(tools::add);
        return tools;
    }
}
