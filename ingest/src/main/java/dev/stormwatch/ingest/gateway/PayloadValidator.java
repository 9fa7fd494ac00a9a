package dev.stormwatch.ingest.gateway;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;

import dev.stormwatch.ingest.changes.ChangeKinds;
import dev.stormwatch.ingest.normalize.support.PayloadException;
import dev.stormwatch.ingest.normalize.support.Rfc3339;
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
   * @param format     the {@link RawHeaders} {@code FORMAT_*} value
   * @param items      alerts, webhook alerts, log records or changes counted
   * @param routingKey a PagerDuty body's {@code routing_key}, else null
   */
  record Result(String format, int items, String routingKey) {
    Result(String format, int items) {
      this(format, items, null);
    }
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
   * Stormwatch's change JSON ({@code POST /api/changes}): one change object or a non-empty array of
   * them. Each must have a non-blank string {@code service}; {@code kind}, when given, must name a
   * kind ({@link ChangeKinds}); {@code time}, when given, must be an RFC 3339 string. The other
   * fields are left to ingest.
   */
  Result changes(byte[] body) throws InvalidPayload {
    try (JsonParser p = json.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new InvalidPayload("empty body: expected a change object or an array of them");
      }
      int count;
      if (first == JsonToken.START_OBJECT) {
        checkChange(p, "");
        count = 1;
      } else if (first == JsonToken.START_ARRAY) {
        count = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
          if (t != JsonToken.START_OBJECT) {
            throw new InvalidPayload("change [" + count + "] must be a JSON object, got " + describe(t));
          }
          checkChange(p, "change [" + count + "]: ");
          count++;
        }
        if (count == 0) {
          throw new InvalidPayload("empty array: expected at least one change");
        }
      } else {
        throw new InvalidPayload("body must be a change object or an array of them, got " + describe(first));
      }
      expectEnd(p);
      return new Result(RawHeaders.FORMAT_STORMWATCH_CHANGE, count);
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      throw new InvalidPayload("unreadable body: " + oneLine(e.getMessage()));
    }
  }

  /** Checks one change object's top-level fields, the parser being on its {@code START_OBJECT}. */
  private static void checkChange(JsonParser p, String at) throws IOException, InvalidPayload {
    boolean service = false;
    for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "service" -> {
          if (value != JsonToken.VALUE_STRING || p.getText().isBlank()) {
            throw new InvalidPayload(at + "\"service\" must be a non-empty string, got "
                + (value == JsonToken.VALUE_STRING ? "a blank one" : describe(value)));
          }
          service = true;
        }
        case "kind" -> {
          if (value != JsonToken.VALUE_NULL && (value != JsonToken.VALUE_STRING
              || ChangeKinds.parse(p.getText()).isEmpty())) {
            throw new InvalidPayload(at + "\"kind\" must be one of " + String.join(", ", ChangeKinds.NAMES)
                + ", got " + (value == JsonToken.VALUE_STRING ? "'" + abbreviate(p.getText()) + "'" : describe(value)));
          }
        }
        case "time" -> {
          if (value == JsonToken.VALUE_STRING) {
            try {
              Rfc3339.parse("\"time\"", p.getText());
            } catch (PayloadException e) {
              throw new InvalidPayload(at + e.getMessage());
            }
          } else if (value != JsonToken.VALUE_NULL) {
            throw new InvalidPayload(at + "\"time\" must be an RFC 3339 string, got " + describe(value));
          }
        }
        default -> p.skipChildren();
      }
    }
    if (!service) {
      throw new InvalidPayload(at + "the change has no \"service\"");
    }
  }

  /**
   * A PagerDuty Change Events v2 body: an object with a non-blank string {@code routing_key} and a
   * {@code payload} object with a non-blank string {@code summary}, the fields PagerDuty requires.
   * Counts as one change; the result carries the routing key.
   */
  Result pagerDutyChange(byte[] body) throws InvalidPayload {
    try (JsonParser p = json.createParser(body)) {
      expectObjectStart(p, "a PagerDuty change event object");
      String routingKey = null;
      boolean payload = false;
      for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("routing_key")) {
          if (value != JsonToken.VALUE_STRING || p.getText().isBlank()) {
            throw new InvalidPayload("'routing_key' must be a non-empty string, got "
                + (value == JsonToken.VALUE_STRING ? "a blank one" : describe(value)));
          }
          routingKey = p.getText().strip();
        } else if (name.equals("payload")) {
          if (value != JsonToken.START_OBJECT) {
            throw new InvalidPayload("'payload' must be an object, got " + describe(value));
          }
          boolean summary = false;
          for (JsonToken g = p.nextToken(); g == JsonToken.FIELD_NAME; g = p.nextToken()) {
            boolean isSummary = "summary".equals(p.currentName());
            JsonToken v = p.nextToken();
            if (isSummary) {
              if (v != JsonToken.VALUE_STRING || p.getText().isBlank()) {
                throw new InvalidPayload("'payload.summary' must be a non-empty string, got "
                    + (v == JsonToken.VALUE_STRING ? "a blank one" : describe(v)));
              }
              summary = true;
            }
            p.skipChildren();
          }
          if (!summary) {
            throw new InvalidPayload("'payload.summary' is missing");
          }
          payload = true;
        } else {
          p.skipChildren();
        }
      }
      if (routingKey == null) {
        throw new InvalidPayload("'routing_key' is missing");
      }
      if (!payload) {
        throw new InvalidPayload("'payload' is missing");
      }
      expectEnd(p);
      return new Result(RawHeaders.FORMAT_PAGERDUTY_CHANGE, 1, routingKey);
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

  private static String abbreviate(String text) {
    String line = oneLine(text);
    return line.length() <= 60 ? line : line.substring(0, 60) + "...";
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
