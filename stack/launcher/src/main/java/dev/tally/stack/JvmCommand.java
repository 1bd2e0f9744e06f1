package dev.tally.stack;

import java.util.List;
import java.util.Map;

/** How to start one service JVM: its options, classpath, main class, arguments and environment. */
public record JvmCommand(
        List<String> jvmOptions,
        String classpath,
        String mainClass,
        List<String> arguments,
        Map<String, String> environment) {

    public JvmCommand {
        jvmOptions = List.copyOf(jvmOptions);
        arguments = List.copyOf(arguments);
        environment = Map.copyOf(environment);
    }
}
