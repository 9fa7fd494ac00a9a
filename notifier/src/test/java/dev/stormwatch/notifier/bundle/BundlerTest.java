package dev.stormwatch.notifier.bundle;

import static dev.stormwatch.notifier.testing.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.Recipient;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.bundle.BundleDecision.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 6, item 5: several incidents for one destination within a short window become one message. */
class BundlerTest {

  private final Bundler bundler = new Bundler(NotifierSettings.defaults());
  private Optional<BundleState> window = Optional.empty();
  private final List<PageRequest> sent = new ArrayList<>();

  private BundleDecision offer(PageRequest page, Instant now) {
    BundleDecision d = bundler.offer(window, page, now);
    window = d.state();
    sent.addAll(d.send());
    return d;
  }

  private BundleDecision close(Instant now) {
    BundleDecision d = bundler.close(window.orElseThrow(), now);
    window = d.state();
    sent.addAll(d.send());
    return d;
  }

  static PageRequest page(String incident, PageAction action, ChannelType channel, Severity severity, Instant at) {
    return PageRequest.newBuilder()
        .setDedupKey(incident + ":c0:l0:r0:alice:" + channel.name().toLowerCase() + ":alice"
            + (action == PageAction.TRIGGER ? "" : ":" + action.name().toLowerCase()))
        .setIncidentId(incident).setAction(action).setLevel(0).setRepeat(0)
        .setRecipient(Recipient.newBuilder().setId("alice").setName("Alice").setChannel(channel).setAddress("alice")
            .build())
        .setUrgency(Urgency.HIGH).setSeverity(severity).setTitle("Checkout down " + incident)
        .setBody("body").setRootCause("checkoutservice").setTeam("platform").setPolicy("platform")
        .setRequestedAt(at).build();
  }

  static PageRequest trigger(String incident, Instant at) {
    return page(incident, PageAction.TRIGGER, ChannelType.INBOX, Severity.HIGH, at);
  }

  @Test
  void theFirstPageGoesOutAtOnceAndFurtherOnesWithinTheWindowBecomeOneMessageAtItsEnd() {
    BundleDecision d = offer(trigger("inc-1", t(0)), t(0));
    assertThat(d.outcome()).isEqualTo(Outcome.SENT);
    assertThat(d.send()).extracting(PageRequest::getIncidentId).containsExactly("inc-1");
    assertThat(window.orElseThrow().windowEnd()).isEqualTo(t(1));

    assertThat(offer(trigger("inc-2", t(0.2)), t(0.2)).outcome()).isEqualTo(Outcome.HELD);
    assertThat(offer(page("inc-3", PageAction.TRIGGER, ChannelType.INBOX, Severity.CRITICAL, t(0.5)), t(0.5))
        .outcome()).isEqualTo(Outcome.HELD);
    assertThat(sent).hasSize(1);

    assertThat(close(t(0.99)).outcome()).isEqualTo(Outcome.NOT_DUE);
    d = close(t(1));
    assertThat(d.outcome()).isEqualTo(Outcome.BUNDLED);
    assertThat(window).isEmpty();
    PageRequest bundle = d.send().get(0);
    assertThat(bundle.getDedupKey()).isEqualTo("bundle:alice:inbox:alice:" + t(0).toEpochMilli());
    assertThat(bundle.getTitle()).isEqualTo("2 incidents: Checkout down inc-2; Checkout down inc-3");
    assertThat(bundle.getBody()).isEqualTo("2 incidents paged you within 60s:\n"
        + "- [HIGH] Checkout down inc-2 (inc-2, level 0, root cause checkoutservice)\n"
        + "- [CRITICAL] Checkout down inc-3 (inc-3, level 0, root cause checkoutservice)\n");
    assertThat(bundle.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(bundle.getTeam()).isEqualTo("platform");
    assertThat(bundle.getRequestedAt()).isEqualTo(t(1));
    assertThat(bundle.getRecipient().getAddress()).isEqualTo("alice");

    // after the window, the next page is a first page again
    assertThat(offer(trigger("inc-4", t(2)), t(2)).outcome()).isEqualTo(Outcome.SENT);
  }

  @Test
  void aSingleHeldPageGoesOutAsItself() {
    offer(trigger("inc-1", t(0)), t(0));
    PageRequest second = trigger("inc-2", t(0.5));
    offer(second, t(0.5));
    assertThat(close(t(1)).send()).containsExactly(second);
  }

  @Test
  void aWindowWithNothingHeldClosesQuietly() {
    offer(trigger("inc-1", t(0)), t(0));
    BundleDecision d = close(t(1));
    assertThat(d.outcome()).isEqualTo(Outcome.CLOSED);
    assertThat(d.send()).isEmpty();
  }

  @Test
  void aPageAfterAnUnclosedWindowClosesItFirst() {
    offer(trigger("inc-1", t(0)), t(0));
    offer(trigger("inc-2", t(0.1)), t(0.1));
    offer(trigger("inc-3", t(0.2)), t(0.2));
    BundleDecision d = offer(trigger("inc-4", t(3)), t(3));
    assertThat(d.outcome()).isEqualTo(Outcome.SENT);
    assertThat(d.send()).extracting(PageRequest::getDedupKey).containsExactly(
        "bundle:alice:inbox:alice:" + t(0).toEpochMilli(), "inc-4:c0:l0:r0:alice:inbox:alice");
    assertThat(window.orElseThrow().windowStart()).isEqualTo(t(3));
  }

  @Test
  void pagerDutyAndFollowUpsAreNotBundled() {
    offer(trigger("inc-1", t(0)), t(0));
    BundleDecision d = offer(page("inc-2", PageAction.TRIGGER, ChannelType.PAGERDUTY, Severity.HIGH, t(0.1)), t(0.1));
    assertThat(d.outcome()).isEqualTo(Outcome.PASSED);
    assertThat(d.send()).hasSize(1);
    d = offer(page("inc-1", PageAction.RESOLVE, ChannelType.INBOX, Severity.HIGH, t(0.2)), t(0.2));
    assertThat(d.outcome()).isEqualTo(Outcome.PASSED);
  }

  @Test
  void aFollowUpOfAHeldPageDropsBoth() {
    offer(trigger("inc-1", t(0)), t(0));
    offer(trigger("inc-2", t(0.1)), t(0.1));
    BundleDecision d = offer(page("inc-2", PageAction.RESOLVE, ChannelType.INBOX, Severity.HIGH, t(0.2)), t(0.2));
    assertThat(d.outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(d.send()).isEmpty();
    assertThat(close(t(1)).outcome()).isEqualTo(Outcome.CLOSED);
    assertThat(sent).extracting(PageRequest::getIncidentId).containsExactly("inc-1");
  }

  @Test
  void aRepeatedPageIsHeldOnceAndBeyondTheCapPagesAreCounted() {
    Bundler small = new Bundler(NotifierSettings.defaults().withBundleWindow(Duration.ofMinutes(1)));
    Optional<BundleState> w = small.offer(Optional.empty(), trigger("inc-0", t(0)), t(0)).state();
    for (int i = 1; i <= NotifierSettings.DEFAULT_MAX_BUNDLED_INCIDENTS + 3; i++) {
      w = small.offer(w, trigger("inc-" + i, t(0.01 * i)), t(0.01 * i)).state();
    }
    assertThat(small.offer(w, trigger("inc-1", t(0.5)), t(0.5)).outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(w.orElseThrow().held()).hasSize(NotifierSettings.DEFAULT_MAX_BUNDLED_INCIDENTS);
    assertThat(w.get().overflow()).isEqualTo(3);
    PageRequest bundle = small.close(w.get(), t(1)).send().get(0);
    assertThat(bundle.getTitle()).startsWith("23 incidents: ").hasSizeLessThanOrEqualTo(Bundler.MAX_TITLE);
    assertThat(bundle.getBody()).endsWith("- and 3 more\n");
  }

  @Test
  void aZeroWindowTurnsBundlingOff() {
    Bundler off = new Bundler(NotifierSettings.defaults().withBundleWindow(Duration.ZERO));
    BundleDecision d = off.offer(Optional.empty(), trigger("inc-1", t(0)), t(0));
    assertThat(d.outcome()).isEqualTo(Outcome.PASSED);
    assertThat(d.state()).isEmpty();
  }
}
