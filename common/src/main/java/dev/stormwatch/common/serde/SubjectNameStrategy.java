package dev.stormwatch.common.serde;

import org.apache.avro.Schema;

/**
 * Chooses the registry subject a record's schema is registered and looked up under. Set with
 * {@value AvroSerdeConfig#KEY_SUBJECT_NAME_STRATEGY} / {@value
 * AvroSerdeConfig#VALUE_SUBJECT_NAME_STRATEGY}; implementations need a public no-arg constructor
 * and must be thread-safe.
 */
@FunctionalInterface
public interface SubjectNameStrategy {

  /**
   * @param topic the topic the record is written to
   * @param isKey whether the record is the message key
   * @param schema the record's schema
   */
  String subjectName(String topic, boolean isKey, Schema schema);
}
