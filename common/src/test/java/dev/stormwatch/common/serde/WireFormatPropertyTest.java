package dev.stormwatch.common.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.errors.SerializationException;

class WireFormatPropertyTest {

  @Property(seed = "20250101")
  void headerRoundTripsForAnyId(@ForAll int schemaId, @ForAll @Size(max = 16) byte[] body) {
    byte[] payload = new byte[WireFormat.HEADER_SIZE + body.length];
    WireFormat.writeHeader(payload, 0, schemaId);
    System.arraycopy(body, 0, payload, WireFormat.HEADER_SIZE, body.length);

    assertThat(payload[0]).isEqualTo(WireFormat.MAGIC_BYTE);
    assertThat(ByteBuffer.wrap(payload, 1, 4).getInt()).as("big-endian").isEqualTo(schemaId);
    assertThat(WireFormat.schemaId("t", payload)).isEqualTo(schemaId);
  }

  @Property(seed = "20250102")
  void payloadsShorterThanTheHeaderAreRejected(@ForAll @Size(max = 4) byte[] payload) {
    assertThatThrownBy(() -> WireFormat.schemaId("t", payload))
        .isInstanceOf(SerializationException.class).hasMessageContaining("'t'");
  }

  @Property(seed = "20250103")
  void anyMagicByteButZeroIsRejected(@ForAll @IntRange(min = 1, max = 255) int magic, @ForAll int id) {
    byte[] payload = new byte[WireFormat.HEADER_SIZE];
    WireFormat.writeHeader(payload, 0, id);
    payload[0] = (byte) magic;

    assertThatThrownBy(() -> WireFormat.schemaId("t", payload))
        .isInstanceOf(SerializationException.class).hasMessageContaining("magic byte");
  }
}
