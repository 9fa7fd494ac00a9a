package dev.stormwatch.ingest.normalize.support;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Parses a raw body as exactly one JSON value. Jackson's default stream limits apply (nesting
 * depth, string and number length), so a hostile body is rejected, not a crash; trailing content
 * after the value is rejected; a duplicated object key keeps its last value, as Go's
 * {@code encoding/json} (Prometheus, Alertmanager) does.
 */
public final class JsonBody {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private JsonBody() {
  }

  /**
   * The body's JSON value.
   *
   * @throws PayloadException "empty body", or "not JSON: <parser message> at line:column"
   */
  public static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new PayloadException("empty body");
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new PayloadException("empty body");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at " + at.getLineNr() + ":" + at.getColumnNr();
      throw new PayloadException("not JSON: " + oneLine(e.getOriginalMessage()) + where, e);
    } catch (IOException e) {
      throw new PayloadException("not JSON: " + oneLine(e.getMessage()), e);
    }
  }

  /** The first line of {@code message}, at most 200 characters. */
  static String oneLine(String message) {
    if (message == null) {
      return "(no detail)";
    }
    String line = message.lines().findFirst().orElse("").strip();
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }
}
