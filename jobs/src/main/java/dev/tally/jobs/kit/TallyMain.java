package dev.tally.jobs.kit;

/**
 * The entry point of the jobs jar: {@code flink run -c dev.tally.jobs.kit.TallyMain tally-jobs.jar
 * <job> [options]} runs a registered job live; {@code <job> --help} lists its options.
 */
public final class TallyMain {

    private TallyMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println("usage: TallyMain <job> [options]; jobs: " + TallyJobs.names());
            System.exit(2);
        }
        String[] jobArgs = java.util.Arrays.copyOfRange(args, 1, args.length);
        JobRunner.run(TallyJobs.byName(args[0]), jobArgs);
    }
}
