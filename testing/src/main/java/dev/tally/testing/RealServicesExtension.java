package dev.tally.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests real Kafka and Cassandra processes: declare a {@link TestKafka} or
 * {@link TestCassandra} parameter (test method, constructor or lifecycle method). The processes start
 * once per test JVM, on first use, and stop when the test run ends, even when tests fail.
 */
public final class RealServicesExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestKafka.class || type == TestCassandra.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // Stopping is tied to the root context, which JUnit closes when the whole run ends.
        context.getRoot()
                .getStore(ExtensionContext.Namespace.create(RealServicesExtension.class))
                .getOrComputeIfAbsent(
                        "services", key -> (ExtensionContext.Store.CloseableResource) RealServices.get()::stop);
        RealServices services = RealServices.get();
        return parameter.getParameter().getType() == TestKafka.class ? services.kafka() : services.cassandra();
    }
}
