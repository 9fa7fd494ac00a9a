package dev.stormwatch.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that runs against the real in-process Kafka broker shared by the whole test
 * JVM, and tags it {@code integration}.
 *
 * <p>Declare a {@link KafkaTestEnv} parameter on a test method, a lifecycle method or the
 * constructor to get the broker's address, unique names, topic helpers and a state directory:
 *
 * <pre>{@code
 * @KafkaIntegrationTest
 * class CorrelatorIT {
 *     @Test
 *     void correlates(KafkaTestEnv kafka) {
 *         String input = kafka.createTopic(kafka.uniqueName("alerts"), 3);
 *         ...
 *     }
 * }
 * }</pre>
 *
 * @see KafkaExtension
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KafkaExtension.class)
@Tag("integration")
public @interface KafkaIntegrationTest {
}
