package dev.stormwatch.common.serde;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;

/** Resolves a configured strategy name: ours, Confluent's class names, or a short name. */
public final class SubjectNameStrategies {

  private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

  private SubjectNameStrategies() {}

  /**
   * Accepts {@code TopicNameStrategy}, {@code RecordNameStrategy}, {@code
   * TopicRecordNameStrategy} as short names, as Confluent's class names ({@code
   * io.confluent.kafka.serializers.subject.*}) and as this package's class names; any other value
   * is loaded as a class implementing {@link SubjectNameStrategy}. A {@link Class} is accepted too.
   *
   * @throws IllegalArgumentException when the name cannot be resolved
   */
  public static SubjectNameStrategy of(Object configured) {
    if (configured instanceof SubjectNameStrategy s) {
      return s;
    }
    if (configured instanceof Class<?> c) {
      return instantiate(c);
    }
    String name = String.valueOf(configured).trim();
    String simple = name.startsWith(CONFLUENT_PACKAGE)
        ? name.substring(CONFLUENT_PACKAGE.length())
        : name.startsWith(SubjectNameStrategies.class.getPackageName() + ".")
            ? name.substring(SubjectNameStrategies.class.getPackageName().length() + 1)
            : name;
    switch (simple.toLowerCase(Locale.ROOT)) {
      case "topicnamestrategy", "topic":
        return new TopicNameStrategy();
      case "recordnamestrategy", "record":
        return new RecordNameStrategy();
      case "topicrecordnamestrategy", "topic-record", "topicrecord":
        return new TopicRecordNameStrategy();
      default:
        break;
    }
    if (name.startsWith(CONFLUENT_PACKAGE)) {
      throw new IllegalArgumentException("Unsupported Confluent subject name strategy '" + name
          + "'; supported: TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy");
    }
    try {
      return instantiate(Class.forName(name, true, Thread.currentThread().getContextClassLoader() != null
          ? Thread.currentThread().getContextClassLoader()
          : SubjectNameStrategies.class.getClassLoader()));
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("Unknown subject name strategy '" + name + "'", e);
    }
  }

  private static SubjectNameStrategy instantiate(Class<?> c) {
    if (!SubjectNameStrategy.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException(
          c.getName() + " does not implement " + SubjectNameStrategy.class.getName());
    }
    try {
      return (SubjectNameStrategy) c.getDeclaredConstructor().newInstance();
    } catch (InstantiationException | IllegalAccessException | NoSuchMethodException
        | InvocationTargetException e) {
      throw new IllegalArgumentException("Cannot instantiate subject name strategy " + c.getName(), e);
    }
  }
}
