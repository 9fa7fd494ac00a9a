package dev.stormwatch.common.serde;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BoundedDecoderTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"type\":\"array\",\"items\":\"string\"}                                    | true",
      "{\"type\":\"map\",\"values\":\"null\"}                                       | true",
      "{\"type\":\"array\",\"items\":\"null\"}                                      | false",
      "{\"type\":\"array\",\"items\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":0}} | false",
      "{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"E\",\"fields\":[]}} | false",
      "{\"type\":\"array\",\"items\":[\"null\",\"int\"]}                            | true",
      "{\"type\":\"record\",\"name\":\"N\",\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"N\"]},{\"name\":\"xs\",\"type\":{\"type\":\"array\",\"items\":\"long\"}}]} | true",
  })
  void countsAreCheckedOnlyWhenEveryItemTakesAByte(String schema, boolean bounded) {
    assertThat(BoundedDecoder.everyItemTakesAByte(new Schema.Parser().parse(schema))).isEqualTo(bounded);
  }
}
