package dev.tally.cli;

import picocli.CommandLine.Command;

/** {@code ./tally loadgen <job>} and {@code ./tally verify <job>}: each job's tools ({@code JobTools}) as subcommands. */
final class ToolCommands {

    private ToolCommands() {}

    @Command(
            name = "loadgen",
            mixinStandardHelpOptions = true,
            description =
                    "Generate load for a job: realistic input with injected faults, and its exact expected results.")
    static final class Loadgen {}

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Check a job's results against the expected results its load generator wrote.")
    static final class Verify {}
}
