package dev.stormwatch.testkit;

import java.lang.reflect.Method;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension behind {@link KafkaIntegrationTest}: resolves {@link KafkaTestEnv} parameters.
 *
 * <p><b>One broker per test JVM.</b> The shared services live in the store of the root
 * {@link ExtensionContext}, which every test class of the run shares. The broker starts on the
 * first test that uses it (thread-safe, so parallel test execution still starts exactly one) and
 * shuts down when JUnit closes the root store at the end of the run, as the services are an
 * {@link AutoCloseable} store value. If it fails to start, every test that needs it fails with
 * that cause, without trying again.
 *
 * <p><b>One environment per context.</b> Each test method gets its own {@link KafkaTestEnv}
 * (unique names, its own admin client and state directory), closed after the test. A
 * {@code KafkaTestEnv} resolved in {@code @BeforeAll} or a class-level constructor belongs to the
 * class and is shared by the class's tests (the store is hierarchical).
 */
public final class KafkaExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaExtension.class);

    /** Creates the extension; JUnit does this through {@link KafkaIntegrationTest}. */
    public KafkaExtension() {
        // stateless: all state lives in the extension context stores
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaTestEnv.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        SharedTestServices services = extensionContext.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedTestServices.class, type -> new SharedTestServices(),
                        SharedTestServices.class);
        return extensionContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent(KafkaTestEnv.class,
                        type -> new KafkaTestEnv(services, testName(extensionContext)),
                        KafkaTestEnv.class);
    }

    private static String testName(ExtensionContext context) {
        return context.getTestMethod()
                .map(Method::getName)
                .or(() -> context.getTestClass().map(Class::getSimpleName))
                .orElse("test");
    }
}
