package dev.tally.stack;

import java.time.Duration;

/** A service of the local stack that runs as its own processes: Kafka, Cassandra, a Flink cluster. */
public interface LocalService {

    /** Starts the processes; fails with a {@link StackException} when a port it needs is taken. */
    void launch(ServiceProcess.Lifetime lifetime);

    /** Returns once the service answers; fails with a {@link StackException} if it dies or time runs out. */
    void awaitHealthy(Duration timeout);

    /** Stops the processes, if any run. */
    void stop();
}
