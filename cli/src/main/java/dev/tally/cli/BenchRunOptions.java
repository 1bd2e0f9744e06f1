package dev.tally.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every side-by-side subcommand takes. */
final class BenchRunOptions {
    @Option(names = "--skip-sql", description = "Do not run the Flink SQL version.")
    boolean skipSql;

    @Option(
            names = "--report",
            description = "Markdown file to write the results into (default: BENCHMARKS.md at the repository root).")
    Path report;

    @Option(
            names = "--keep-data",
            description =
                    "Keep the run's topics and raw archives; by default they are deleted when the run ends, as its keyspaces are.")
    boolean keepData;
}
