package dev.stormwatch.common.serde;

import org.apache.avro.Schema;

/** {@code <topic>-<fully-qualified record name>}: one lineage per record type and topic. */
public final class TopicRecordNameStrategy implements SubjectNameStrategy {
  @Override
  public String subjectName(String topic, boolean isKey, Schema schema) {
    return topic + "-" + RecordNames.fullName(schema);
  }
}
