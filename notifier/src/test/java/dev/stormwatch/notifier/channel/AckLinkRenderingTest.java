package dev.stormwatch.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.api.AckLinks;
import dev.stormwatch.notifier.api.AckLinks.Action;
import dev.stormwatch.notifier.api.AckLinks.Valid;
import dev.stormwatch.notifier.api.LinkDecorator;
import dev.stormwatch.notifier.bundle.BundleDecision;
import dev.stormwatch.notifier.bundle.BundleState;
import dev.stormwatch.notifier.bundle.Bundler;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's link hook ({@link LinkDecorator}) and every channel's rendering of its links: a
 * TRIGGER page gets a signed ack and a resolve link first in its list, and Slack, PagerDuty, Opsgenie,
 * the webhook/inbox document and e-mail all show them; follow-ups get none; a bundled message gets a
 * pair per incident.
 */
class AckLinkRenderingTest {

  private static final AckLinks LINKS = new AckLinks(URI.create("https://sw.example.org"),
      new Secret("0123456789abcdef0123"), Duration.ofHours(24));
  private static final LinkDecorator DECORATOR = new LinkDecorator(LINKS);

  @Test
  void aTriggerGetsAckAndResolveLinksFirstSignedForItsRecipient() {
    PageRequest page = Pages.trigger("inc-42:c0:l0:r0:alice:slack:ops", ChannelType.SLACK, "ops");
    PageRequest decorated = DECORATOR.decorate(page);

    List<Link> links = decorated.getLinks();
    assertThat(links).hasSize(4);
    assertThat(links.subList(2, 4)).isEqualTo(page.getLinks());
    assertThat(links.get(0).getTitle()).isEqualTo("Acknowledge");
    assertThat(links.get(0).getUrl()).startsWith("https://sw.example.org/ack/");
    assertThat(links.get(1).getTitle()).isEqualTo("Resolve");
    assertThat(links.get(1).getUrl()).startsWith("https://sw.example.org/resolve/");
    AckLinks.Claim claim = ((Valid) LINKS.verify(token(links.get(0)), Pages.REQUESTED_AT)).claim();
    assertThat(claim).isEqualTo(new AckLinks.Claim("inc-42", Action.ACK, "alice",
        Pages.REQUESTED_AT.plus(Duration.ofHours(24))));
    assertThat(DECORATOR.decorate(page)).as("deterministic: a resend renders alike").isEqualTo(decorated);
    // identity untouched
    assertThat(decorated.getDedupKey()).isEqualTo(page.getDedupKey());
    assertThat(decorated.getRecipient()).isEqualTo(page.getRecipient());
  }

  @Test
  void followUpsGetNoLinks() {
    PageRequest page = Pages.trigger("inc-42:c0:l0:r0:alice:slack:ops", ChannelType.SLACK, "ops");
    for (PageAction action : List.of(PageAction.ACKNOWLEDGE, PageAction.RESOLVE)) {
      PageRequest followUp = Pages.withAction(page, action);
      assertThat(DECORATOR.decorate(followUp)).isEqualTo(followUp);
    }
  }

  @Test
  void everyChannelShowsTheLinks() {
    PageRequest page = DECORATOR.decorate(Pages.trigger("inc-42:c0:l0:r0:alice:x:y", ChannelType.SLACK, "ops"));
    String ack = page.getLinks().get(0).getUrl();
    String resolve = page.getLinks().get(1).getUrl();

    // Slack: the incident link is the section's button, ack and resolve lead the actions block
    ObjectNode slack = SlackChannel.message(page, false);
    JsonNode actions = null;
    for (JsonNode block : slack.get("blocks")) {
      if (block.get("type").asText().equals("actions")) {
        actions = block.get("elements");
      }
    }
    assertThat(actions).isNotNull();
    assertThat(actions.get(0).get("url").asText()).isEqualTo(ack);
    assertThat(actions.get(0).get("text").get("text").asText()).isEqualTo("Acknowledge");
    assertThat(actions.get(1).get("url").asText()).isEqualTo(resolve);

    // PagerDuty: links[] with href and text
    ObjectNode pd = PagerDutyChannel.event(page, "routing-key");
    assertThat(pd.get("links").get(0).get("href").asText()).isEqualTo(ack);
    assertThat(pd.get("links").get(0).get("text").asText()).isEqualTo("Acknowledge");
    assertThat(pd.get("links").get(1).get("href").asText()).isEqualTo(resolve);

    // Opsgenie: details, one key per link, none overwritten
    ObjectNode og = OpsgenieChannel.createAlert(page);
    assertThat(og.get("details").get("link:acknowledge").asText()).isEqualTo(ack);
    assertThat(og.get("details").get("link:resolve").asText()).isEqualTo(resolve);
    assertThat(og.get("details").get("link:incident").asText())
        .isEqualTo("https://stormwatch.example/incidents/inc-42");
    assertThat(og.get("details").get("link:runbook").asText()).isEqualTo("https://runbooks.example/checkout");

    // webhook and pager inbox: the page document's links
    JsonNode doc = PageJson.tree(page);
    assertThat(doc.get("links").get(0).get("url").asText()).isEqualTo(ack);
    assertThat(doc.get("links").get(0).get("title").asText()).isEqualTo("Acknowledge");
    assertThat(doc.get("links").get(1).get("url").asText()).isEqualTo(resolve);

    // e-mail: text and HTML
    assertThat(EmailChannel.plainText(page, false)).contains("Acknowledge: " + ack).contains("Resolve: " + resolve);
    assertThat(EmailChannel.html(page, false)).contains("href=\"" + ack + "\"").contains(">Acknowledge</a>");
  }

  @Test
  void opsgenieNamesRepeatedLinkNamesApart() {
    PageRequest page = Pages.builder("k", ChannelType.OPSGENIE, "payments").setLinks(List.of(
        Link.newBuilder().setKind(LinkKind.DASHBOARD).setUrl("https://d/1").build(),
        Link.newBuilder().setKind(LinkKind.DASHBOARD).setUrl("https://d/2").build(),
        Link.newBuilder().setKind(LinkKind.OTHER).setUrl("https://o/1").setTitle("!!!").build())).build();
    JsonNode details = OpsgenieChannel.createAlert(page).get("details");
    assertThat(details.get("link:dashboard").asText()).isEqualTo("https://d/1");
    assertThat(details.get("link:dashboard-2").asText()).isEqualTo("https://d/2");
    assertThat(details.get("link:other").asText()).isEqualTo("https://o/1");
  }

  @Test
  void aBundledMessageGetsAPairPerIncident() {
    Bundler bundler = new Bundler(NotifierSettings.defaults());
    List<PageRequest> held = new ArrayList<>();
    for (String incident : List.of("inc-0a1b2c3d-0000000000000001", "inc-0a1b2c3d-0000000000000002",
        "inc-0a1b2c3d-0000000000000003")) {
      held.add(Pages.builder(incident + ":c0:l0:r0:alice:inbox:alice", ChannelType.INBOX, "alice")
          .setIncidentId(incident).setTitle("trouble (in " + incident + ", level 9)").build());
    }
    BundleState window = new BundleState("alice:inbox:alice", Pages.REQUESTED_AT,
        Pages.REQUESTED_AT.plusSeconds(60), held, 0);
    BundleDecision closed = bundler.close(window, Pages.REQUESTED_AT.plusSeconds(60));
    PageRequest bundle = closed.send().get(0);
    assertThat(bundle.getDedupKey()).startsWith("bundle:");

    PageRequest decorated = DECORATOR.decorate(bundle);
    List<String> titles = decorated.getLinks().stream().map(Link::getTitle).limit(6).toList();
    assertThat(titles).containsExactly(
        "Acknowledge inc-0a1b2c3d-0000000000000001", "Resolve inc-0a1b2c3d-0000000000000001",
        "Acknowledge inc-0a1b2c3d-0000000000000002", "Resolve inc-0a1b2c3d-0000000000000002",
        "Acknowledge inc-0a1b2c3d-0000000000000003", "Resolve inc-0a1b2c3d-0000000000000003");
    AckLinks.Claim third = ((Valid) LINKS.verify(token(decorated.getLinks().get(4)), Pages.REQUESTED_AT)).claim();
    assertThat(third.incidentId()).isEqualTo("inc-0a1b2c3d-0000000000000003");
    assertThat(third.recipientId()).isEqualTo("alice");
  }

  private static String token(Link link) {
    return link.getUrl().substring(link.getUrl().lastIndexOf('/') + 1);
  }
}
