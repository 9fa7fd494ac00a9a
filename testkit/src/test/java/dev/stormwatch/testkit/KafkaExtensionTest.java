package dev.stormwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * Runs small {@link KafkaIntegrationTest} classes in a JUnit engine of their own (one engine run
 * is one root context, like one Surefire fork) and checks what they report about their
 * environment: unique names per test, one broker shared by all classes, cleanup after a test.
 */
@Tag("integration")
class KafkaExtensionTest {

    @Test
    void twoTestsGetDifferentUniqueNamesAndStateDirs() {
        EngineExecutionResults results = run(TwoTestsCase.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
        List<String> names = reported(results, "uniqueName");
        assertThat(names).hasSize(2).doesNotHaveDuplicates();
        assertThat(names).allSatisfy(name -> assertThat(name).matches("[A-Za-z0-9-]+"));
        assertThat(reported(results, "stateDir")).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void brokerIsSharedAcrossTestClasses() {
        EngineExecutionResults results = run(FirstClassCase.class, SecondClassCase.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
        List<String> bootstrapServers = reported(results, "bootstrapServers");
        assertThat(bootstrapServers).hasSize(2);
        assertThat(bootstrapServers.get(0)).isNotBlank().isEqualTo(bootstrapServers.get(1));
    }

    @Test
    void stateDirIsDeletedAfterTheTest() {
        EngineExecutionResults results = run(TwoTestsCase.class);

        assertThat(reported(results, "stateDir"))
                .hasSize(2)
                .allSatisfy(dir -> assertThat(Files.exists(Path.of(dir))).as(dir).isFalse());
    }

    private static EngineExecutionResults run(Class<?>... testClasses) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(Arrays.stream(testClasses)
                        .map(type -> selectClass(type))
                        .toArray(DiscoverySelector[]::new))
                .execute();
    }

    private static List<String> reported(EngineExecutionResults results, String key) {
        return results.allEvents().stream()
                .filter(event -> event.getType() == EventType.REPORTING_ENTRY_PUBLISHED)
                .map(KafkaExtensionTest::entry)
                .map(ReportEntry::getKeyValuePairs)
                .filter(pairs -> pairs.containsKey(key))
                .map(pairs -> pairs.get(key))
                .toList();
    }

    private static ReportEntry entry(Event event) {
        return event.getPayload(ReportEntry.class).orElseThrow();
    }

    /** Two tests in one class, each reporting its unique name and state dir. */
    @KafkaIntegrationTest
    static class TwoTestsCase {

        @Test
        void first(KafkaTestEnv kafka, TestReporter reporter) {
            report(kafka, reporter);
        }

        @Test
        void second(KafkaTestEnv kafka, TestReporter reporter) {
            report(kafka, reporter);
        }

        private static void report(KafkaTestEnv kafka, TestReporter reporter) {
            Path stateDir = kafka.stateDir();
            assertThat(stateDir).isDirectory();
            reporter.publishEntry(Map.of("uniqueName", kafka.uniqueName("orders"), "stateDir", stateDir.toString()));
        }
    }

    /** One of two classes reporting the broker they were given. */
    @KafkaIntegrationTest
    static class FirstClassCase {

        @Test
        void reportsBroker(KafkaTestEnv kafka, TestReporter reporter) {
            reporter.publishEntry("bootstrapServers", kafka.bootstrapServers());
        }
    }

    /** The other of two classes reporting the broker they were given. */
    @KafkaIntegrationTest
    static class SecondClassCase {

        @Test
        void reportsBroker(KafkaTestEnv kafka, TestReporter reporter) {
            reporter.publishEntry("bootstrapServers", kafka.bootstrapServers());
        }
    }
}
