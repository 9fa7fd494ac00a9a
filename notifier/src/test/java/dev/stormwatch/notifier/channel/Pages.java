package dev.stormwatch.notifier.channel;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.Recipient;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import java.time.Instant;
import java.util.List;

/** Sample pages for tests. */
public final class Pages {

  /** The requestedAt of every sample page. */
  public static final Instant REQUESTED_AT = Instant.parse("2026-03-01T12:00:00Z");

  private Pages() {
  }

  /** A CRITICAL trigger for incident {@code inc-42}, recipient {@code alice}. */
  public static PageRequest trigger(String dedupKey, ChannelType channel, String address) {
    return builder(dedupKey, channel, address).build();
  }

  /** The sample page as a builder, to vary. */
  public static PageRequest.Builder builder(String dedupKey, ChannelType channel, String address) {
    return PageRequest.newBuilder()
        .setDedupKey(dedupKey)
        .setIncidentId("inc-42")
        .setAction(PageAction.TRIGGER)
        .setLevel(0)
        .setRepeat(0)
        .setRecipient(Recipient.newBuilder().setId("alice").setName("Alice Example").setChannel(channel)
            .setAddress(address).setTimeZone("Europe/Berlin").build())
        .setUrgency(Urgency.HIGH)
        .setSeverity(Severity.CRITICAL)
        .setTitle("checkout: error rate 12% <p99 4s>")
        .setBody("Root cause: checkout (alerting, its dependencies healthy)\n3 alerts; deploy checkout v2.3 5m before")
        .setRootCause("checkout")
        .setTeam("payments")
        .setPolicy("payments-default")
        .setLinks(List.of(
            Link.newBuilder().setKind(LinkKind.INCIDENT).setUrl("https://stormwatch.example/incidents/inc-42")
                .setTitle("Incident inc-42").build(),
            Link.newBuilder().setKind(LinkKind.RUNBOOK).setUrl("https://runbooks.example/checkout").setTitle(null)
                .build()))
        .setRequestedAt(REQUESTED_AT);
  }

  /** The same page with another action (and dedup key suffix). */
  public static PageRequest withAction(PageRequest page, PageAction action) {
    return PageRequest.newBuilder(page).setAction(action)
        .setDedupKey(page.getDedupKey() + "/" + action.name().toLowerCase(java.util.Locale.ROOT)).build();
  }
}
