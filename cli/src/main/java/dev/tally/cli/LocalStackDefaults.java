package dev.tally.cli;

import dev.tally.stack.LocalStack;
import dev.tally.stack.TallyHome;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's arguments with the local stack's Kafka and Cassandra added where they give none, so that
 * every command that runs a job or reads its results reaches the stack, on whatever ports it was
 * started. A {@code --config} file is the user's word: then nothing is added, since an argument
 * would override the file.
 */
final class LocalStackDefaults {

    private LocalStackDefaults() {}

    static List<String> withLocalStack(List<String> jobArgs, TallyHome home) {
        List<String> args = new ArrayList<>(jobArgs);
        if (given(jobArgs, "--config")) {
            return args;
        }
        LocalStack stack = LocalStack.ofCheckout(home);
        if (!given(jobArgs, "--bootstrap-servers")) {
            args.addAll(List.of("--bootstrap-servers", stack.kafka().bootstrapServers()));
        }
        if (!given(jobArgs, "--cassandra")) {
            args.addAll(List.of("--cassandra", stack.cassandra().contactPoint()));
        }
        return args;
    }

    private static boolean given(List<String> args, String option) {
        return args.stream().anyMatch(arg -> arg.equals(option) || arg.startsWith(option + "="));
    }
}
