package dev.tally.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The jobs of the Tally jar by the short names the CLI takes. */
final class JobCatalog {

    static final Map<String, String> MAIN_CLASSES = new LinkedHashMap<>();

    static {
        MAIN_CLASSES.put("ad-clicks", "dev.tally.jobs.adclick.AdClickJob");
        MAIN_CLASSES.put("ad-clicks-sql", "dev.tally.jobs.adclick.AdClickSqlJob");
        MAIN_CLASSES.put("smoke", "dev.tally.jobs.smoke.SmokeJob");
    }

    private JobCatalog() {}

    static String mainClass(String job) {
        String main = MAIN_CLASSES.get(job);
        if (main == null) {
            throw new IllegalArgumentException("Unknown job '" + job + "'; known jobs: " + MAIN_CLASSES.keySet());
        }
        return main;
    }
}
