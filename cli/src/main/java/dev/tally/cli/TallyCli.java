package dev.tally.cli;

import dev.tally.loadgen.kit.JobTools;
import dev.tally.loadgen.kit.JobToolsRegistry;
import dev.tally.stack.StackException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./tally} command. */
@Command(
        name = "tally",
        mixinStandardHelpOptions = true,
        versionProvider = TallyCli.Version.class,
        description = "Exact stream aggregation jobs on Apache Flink: local stack, jobs, load and checks.",
        subcommands = {
            StackCommand.class,
            SubmitCommand.class,
            JobsCommand.class,
            CancelCommand.class,
            ToolCommands.Loadgen.class,
            ToolCommands.Verify.class,
            DemoCommand.class,
            DashboardCommand.class,
            ReplayCommand.class,
            ReplaysCommand.class,
            ArchiveCommand.class,
            MigrateCommand.class,
            DlqCommand.class,
            PlayersCommand.class,
            ReconcileCommands.Reconcile.class,
            ReconcileCommands.Promote.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class TallyCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TallyCli());
        // Each job's tools are subcommands named after the job: ./tally loadgen <job>, ./tally verify <job>.
        // Added first, so that the settings below reach them too.
        for (JobTools tools : JobToolsRegistry.all()) {
            cli.getSubcommands().get("loadgen").addSubcommand(tools.job(), tools.loadgenCommand());
            cli.getSubcommands().get("verify").addSubcommand(tools.job(), tools.verifyCommand());
        }
        // Descriptions are written as lines of up to ~105 characters; wider help keeps them whole.
        cli.setUsageHelpWidth(120);
        // Everything after the job name is the job's: its options and its --help.
        cli.getSubcommands().get("submit").setStopAtPositional(true);
        cli.getSubcommands().get("replay").setStopAtPositional(true);
        // Known failures (port taken, service down) print their message, not a stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof StackException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TallyCli.class.getPackage().getImplementationVersion();
            return new String[] {"tally " + (version == null ? "dev" : version)};
        }
    }
}
