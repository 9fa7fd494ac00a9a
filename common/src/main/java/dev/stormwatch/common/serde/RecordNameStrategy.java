package dev.stormwatch.common.serde;

import org.apache.avro.Schema;

/** The record's fully-qualified name: one lineage per record type, across topics. */
public final class RecordNameStrategy implements SubjectNameStrategy {
  @Override
  public String subjectName(String topic, boolean isKey, Schema schema) {
    return RecordNames.fullName(schema);
  }
}
