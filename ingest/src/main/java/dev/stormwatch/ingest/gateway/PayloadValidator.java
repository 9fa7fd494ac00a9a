package dev.stormwatch.ingest.gateway;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;

import dev.stormwatch.ingest.raw.RawHeaders;

/**
 * Checks the top-level shape of request bodies with a streaming parser: no tree is built, nested
 * values are skipped token by token, and the number of alerts (or log records) is counted on the
 * way. Every method either returns what it found or throws {@link InvalidPayload} with a one-line
 * reason; no input makes it throw anything else. Thread-safe.
 */
final class PayloadValidator {

  /** Longest piece of a parser message quoted in a reason. */
  private static final int MAX_DETAIL = 160;

  /**
   * What a valid body holds.
   *
   * @param format the {@link RawHeaders} {@code FORMAT_*} value
   * @param items  alerts, webhook alerts or log records counted
   */
  record Result(String format, int items) {
  }

  /** A body that does not have the expected shape; the message is one line, fit for a 400. */
  static final class InvalidPayload extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidPayload(String reason) {
      super(reason, null, false, false);
    }
  }

  private final JsonFactory json = JsonFactory.builder().build();

  /**
   * Prometheus' {@code POST /api/v2/alerts} body: a JSON array whose elements are objects, each
   * with a {@code labels} object.
   */
  Result prometheusAlerts(byte[] body) throws InvalidPayload {
    try (JsonParser p = json.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new InvalidPayload("empty body: expected a JSON array of alerts");
      }
      if (first != JsonToken.START_ARRAY) {
        throw new InvalidPayload("body must be a JSON array of alerts, got " + describe(first));
      }
      int count = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          throw new InvalidPayload("alert [" + count + "] must be a JSON object, got " + describe(t));
        }
        boolean labels = false;
        for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
          boolean isLabels = "labels".equals(p.currentName());
          JsonToken value = p.nextToken();
          if (isLabels) {
            if (value != JsonToken.START_OBJECT) {
              throw new InvalidPayload("alert [" + count + "]: \"labels\" must be a JSON object, got " + describe(value));
            }
            labels = true;
          }
          p.skipChildren();
        }
        if (!labels) {
          throw new InvalidPayload("alert [" + count + "] has no \"labels\" object");
        }
        count++;
      }
      expectEnd(p);
      return new Result(RawHeaders.FORMAT_PROMETHEUS_API, count);
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      throw new InvalidPayload("unreadable body: " + oneLine(e.getMessage()));
    }
  }

  /** Alertmanager's webhook body: a JSON object with an {@code alerts} array. */
  Result alertmanagerWebhook(byte[] body) throws InvalidPayload {
    try (JsonParser p = json.createParser(body)) {
      expectObjectStart(p, "an Alertmanager webhook object");
      int count = -1;
      for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
        boolean isAlerts = "alerts".equals(p.currentName());
        JsonToken value = p.nextToken();
        if (isAlerts) {
          if (value != JsonToken.START_ARRAY) {
            throw new InvalidPayload("\"alerts\" must be a JSON array, got " + describe(value));
          }
          count = 0;
          for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
              throw new InvalidPayload("alerts[" + count + "] must be a JSON object, got " + describe(t));
            }
            p.skipChildren();
            count++;
          }
        } else {
          p.skipChildren();
        }
      }
      if (count < 0) {
        throw new InvalidPayload("the webhook object has no \"alerts\" array");
      }
      expectEnd(p);
      return new Result(RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK, count);
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      throw new InvalidPayload("unreadable body: " + oneLine(e.getMessage()));
    }
  }

  /** A Sentry webhook body: one JSON object. Counts as one alert. */
  Result sentry(byte[] body, String format) throws InvalidPayload {
    try (JsonParser p = json.createParser(body)) {
      expectObjectStart(p, "a Sentry webhook object");
      p.skipChildren();
      expectEnd(p);
      return new Result(format, 1);
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      throw new InvalidPayload("unreadable body: " + oneLine(e.getMessage()));
    }
  }

  /**
   * JSON log records: one or more JSON documents separated by whitespace (NDJSON, one document
   * per line, or a single document spanning lines). A single object with a {@code streams} array
   * is a Loki push body; its log lines ({@code streams[].values[]}) are counted.
   */
  Result logsJson(byte[] body) throws InvalidPayload {
    int documentLine = 0;
    try (JsonParser p = json.createParser(body)) {
      int documents = 0;
      int lokiEntries = -1;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        documentLine = p.currentTokenLocation().getLineNr();
        if (documents == 0 && t == JsonToken.START_OBJECT) {
          lokiEntries = scanFirstObject(p);
        } else {
          p.skipChildren();
        }
        documents++;
      }
      if (documents == 0) {
        throw new InvalidPayload("empty body: expected JSON log records");
      }
      if (documents == 1 && lokiEntries >= 0) {
        return new Result(RawHeaders.FORMAT_LOKI_PUSH, lokiEntries);
      }
      return new Result(RawHeaders.FORMAT_LOGS_NDJSON, documents);
    } catch (JsonEOFException e) {
      // the body ended inside a document: the bad line is where that document started
      throw new InvalidPayload("line " + Math.max(1, documentLine) + ": not valid JSON: the document starting there"
          + " is incomplete (" + detail(e) + ")");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String line = at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ": ";
      throw new InvalidPayload(line + "not valid JSON: " + detail(e));
    } catch (IOException e) {
      throw new InvalidPayload("unreadable body: " + oneLine(e.getMessage()));
    }
  }

  /**
   * Plain-text log lines: counts the non-empty lines.
   *
   * @throws InvalidPayload if there is no non-blank line
   */
  static Result plainLines(byte[] body) throws InvalidPayload {
    int lines = 0;
    boolean content = false;
    for (byte b : body) {
      if (b == '\n') {
        if (content) {
          lines++;
        }
        content = false;
      } else if (b != '\r' && b != ' ' && b != '\t') {
        content = true;
      }
    }
    if (content) {
      lines++;
    }
    if (lines == 0) {
      throw new InvalidPayload("empty body: expected log lines");
    }
    return new Result(RawHeaders.FORMAT_LOGS_NDJSON, lines);
  }

  /**
   * Scans the top-level fields of the first object of a log body, the parser being on its
   * {@code START_OBJECT}.
   *
   * @return the number of Loki entries if it has a {@code streams} array, else -1
   */
  private static int scanFirstObject(JsonParser p) throws IOException {
    int entries = -1;
    for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
      boolean isStreams = "streams".equals(p.currentName());
      JsonToken value = p.nextToken();
      if (isStreams && value == JsonToken.START_ARRAY) {
        entries = 0;
        for (JsonToken s = p.nextToken(); s != JsonToken.END_ARRAY && s != null; s = p.nextToken()) {
          if (s == JsonToken.START_OBJECT) {
            entries += countStreamValues(p);
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return entries;
  }

  /** Counts the elements of a Loki stream's {@code values}, the parser being on the stream's start. */
  private static int countStreamValues(JsonParser p) throws IOException {
    int values = 0;
    for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
      boolean isValues = "values".equals(p.currentName());
      JsonToken value = p.nextToken();
      if (isValues && value == JsonToken.START_ARRAY) {
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY && v != null; v = p.nextToken()) {
          p.skipChildren();
          values++;
        }
      } else {
        p.skipChildren();
      }
    }
    return values;
  }

  private static void expectObjectStart(JsonParser p, String what) throws IOException, InvalidPayload {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new InvalidPayload("empty body: expected " + what);
    }
    if (first != JsonToken.START_OBJECT) {
      throw new InvalidPayload("body must be " + what + ", got " + describe(first));
    }
  }

  private static void expectEnd(JsonParser p) throws IOException, InvalidPayload {
    if (p.nextToken() != null) {
      JsonLocation at = p.currentTokenLocation();
      throw new InvalidPayload("unexpected content after the JSON document at line " + at.getLineNr()
          + ", column " + at.getColumnNr());
    }
  }

  private static InvalidPayload notJson(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return new InvalidPayload("body is not valid JSON" + where + ": " + detail(e));
  }

  private static String detail(JsonProcessingException e) {
    String message = oneLine(e.getOriginalMessage());
    return message.length() <= MAX_DETAIL ? message : message.substring(0, MAX_DETAIL) + "...";
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("[\\r\\n\\t]+", " ").strip();
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "the end of the body";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.name();
    };
  }
}
