package dev.stormwatch.notifier.escalation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.escalation.EscalationState.IncidentInfo;
import dev.stormwatch.notifier.escalation.EscalationState.Paged;
import dev.stormwatch.notifier.escalation.EscalationState.Phase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of the {@code notifier-escalations} store: every field of an {@link EscalationState}
 * as compact, versioned JSON (version 1); instants are epoch milliseconds; a null is a tombstone.
 */
public final class EscalationStateSerde implements Serde<EscalationState> {

  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Serializer<EscalationState> serializer() {
    return (topic, state) -> state == null ? null : encode(state);
  }

  @Override
  public Deserializer<EscalationState> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  static byte[] encode(EscalationState s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("incident", s.incidentId());
    ObjectNode info = n.putObject("info");
    info.put("title", s.incident().title());
    info.put("summary", s.incident().summary());
    info.put("severity", s.incident().severity().name());
    info.put("rootCause", s.incident().rootCause().orElse(null));
    ArrayNode services = info.putArray("services");
    s.incident().services().forEach(services::add);
    ArrayNode links = info.putArray("links");
    for (Link l : s.incident().links()) {
      links.addObject().put("kind", l.getKind().name()).put("url", l.getUrl()).put("title", l.getTitle());
    }
    n.put("team", s.team().orElse(null));
    n.put("policy", s.policy().orElse(null));
    n.put("urgency", s.urgency().name());
    n.put("phase", s.phase().name());
    n.put("cycle", s.cycle());
    n.put("level", s.level());
    n.put("repeat", s.repeat());
    n.put("deadline", s.deadline().toEpochMilli());
    ArrayNode paged = n.putArray("paged");
    for (Paged p : s.paged()) {
      ObjectNode e = paged.addObject();
      recipient(e.putObject("recipient"), p.recipient());
      e.put("level", p.level());
      e.put("repeat", p.repeat());
      e.put("at", p.at().toEpochMilli());
      e.put("key", p.dedupKey());
    }
    ArrayNode seen = n.putArray("seen");
    s.seen().forEach(seen::add);
    n.put("updatedAt", s.updatedAt().toEpochMilli());
    n.put("closedBy", s.closedBy().orElse(null));
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static EscalationState decode(byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n.path("v").asInt() != VERSION) {
        throw new SerializationException("escalation state of unknown version " + n.path("v"));
      }
      JsonNode i = n.get("info");
      List<String> services = new ArrayList<>();
      i.get("services").forEach(x -> services.add(x.asText()));
      List<Link> links = new ArrayList<>();
      for (JsonNode l : i.get("links")) {
        links.add(Link.newBuilder().setKind(LinkKind.valueOf(l.get("kind").asText())).setUrl(l.get("url").asText())
            .setTitle(text(l, "title")).build());
      }
      IncidentInfo info = new IncidentInfo(i.get("title").asText(), i.get("summary").asText(),
          Severity.valueOf(i.get("severity").asText()), Optional.ofNullable(text(i, "rootCause")), services, links);
      List<Paged> paged = new ArrayList<>();
      for (JsonNode p : n.get("paged")) {
        paged.add(new Paged(recipient(p.get("recipient")), p.get("level").asInt(), p.get("repeat").asInt(),
            Instant.ofEpochMilli(p.get("at").asLong()), p.get("key").asText()));
      }
      List<String> seen = new ArrayList<>();
      n.get("seen").forEach(x -> seen.add(x.asText()));
      return new EscalationState(n.get("incident").asText(), info, Optional.ofNullable(text(n, "team")),
          Optional.ofNullable(text(n, "policy")), Urgency.valueOf(n.get("urgency").asText()),
          Phase.valueOf(n.get("phase").asText()), n.get("cycle").asInt(), n.get("level").asInt(),
          n.get("repeat").asInt(), Instant.ofEpochMilli(n.get("deadline").asLong()), paged, seen,
          Instant.ofEpochMilli(n.get("updatedAt").asLong()), Optional.ofNullable(text(n, "closedBy")));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("unreadable escalation state: " + e.getMessage(), e);
    }
  }

  static void recipient(ObjectNode o, PageRecipient r) {
    o.put("id", r.id());
    o.put("name", r.name());
    o.put("channel", r.channel().name());
    o.put("address", r.address());
    o.put("timeZone", r.timeZone().orElse(null));
  }

  static PageRecipient recipient(JsonNode o) {
    return new PageRecipient(o.get("id").asText(), o.get("name").asText(), ChannelType.valueOf(o.get("channel").asText()),
        o.get("address").asText(), Optional.ofNullable(text(o, "timeZone")));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
