package dev.stormwatch.common.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SubjectNameStrategiesTest {

  static final Schema RECORD = TestRecords.V2;
  static final String FQN = "dev.stormwatch.common.serde.evolution.ProbeResult";

  @ParameterizedTest
  @CsvSource({
      "TopicNameStrategy, false, t-value",
      "TopicNameStrategy, true, t-key",
      "io.confluent.kafka.serializers.subject.TopicNameStrategy, false, t-value",
      "dev.stormwatch.common.serde.TopicNameStrategy, true, t-key",
      "RecordNameStrategy, false, " + FQN,
      "io.confluent.kafka.serializers.subject.RecordNameStrategy, true, " + FQN,
      "TopicRecordNameStrategy, false, t-" + FQN,
      "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy, true, t-" + FQN,
      "dev.stormwatch.common.serde.TopicRecordNameStrategy, false, t-" + FQN,
  })
  void resolvesOursConfluentsAndShortNames(String configured, boolean isKey, String subject) {
    assertThat(SubjectNameStrategies.of(configured).subjectName("t", isKey, RECORD)).isEqualTo(subject);
  }

  @Test
  void acceptsAClassOrAnInstance() {
    assertThat(SubjectNameStrategies.of(RecordNameStrategy.class)).isInstanceOf(RecordNameStrategy.class);
    SubjectNameStrategy custom = (topic, isKey, schema) -> "custom";
    assertThat(SubjectNameStrategies.of(custom)).isSameAs(custom);
  }

  @Test
  void rejectsUnknownNames() {
    assertThatThrownBy(() -> SubjectNameStrategies.of("io.confluent.kafka.serializers.subject.Nope"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unsupported");
    assertThatThrownBy(() -> SubjectNameStrategies.of("com.example.Missing"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("com.example.Missing");
    assertThatThrownBy(() -> SubjectNameStrategies.of(String.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not implement");
  }

  @Test
  void recordNameStrategiesNeedANamedSchema() {
    assertThatThrownBy(() -> new RecordNameStrategy().subjectName("t", false, Schema.create(Schema.Type.STRING)))
        .isInstanceOf(SerializationException.class);
  }
}
