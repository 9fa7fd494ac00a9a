package dev.stormwatch.notifier.bundle;

import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.bundle.BundleDecision.Outcome;
import dev.stormwatch.notifier.escalation.DedupKeys;
import dev.stormwatch.notifier.escalation.PageRecipient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Bundling, as pure functions of a destination's open window, one page and the clock (passed in):
 * several incidents for one destination within a short window become one message.
 *
 * <ul>
 *   <li>The first page to a destination goes out at once and opens a window of {@code bundle-window}.</li>
 *   <li>Further pages to it within the window are held; when the window ends ({@link #close}), two or
 *       more held pages go out as one bundled page request whose dedup key is derived from the
 *       destination and the window's start ({@link DedupKeys#bundle}) and whose body lists the
 *       incidents; a single held page goes out as itself.</li>
 *   <li>Only TRIGGER pages on the {@code bundle-channels} are bundled. Acknowledge and resolve
 *       notifications go out at once, except that a follow-up of a page still held drops both: the
 *       destination never heard of the incident.</li>
 * </ul>
 */
public final class Bundler {

  /** Longest title of a bundled message. */
  static final int MAX_TITLE = 200;
  /** Most links carried by a bundled message. */
  static final int MAX_LINKS = 50;

  private final NotifierSettings settings;

  /** A bundler with these settings ({@code bundle-window}, {@code bundle-channels}, {@code max-bundled-incidents}). */
  public Bundler(NotifierSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * A page for one destination, at {@code now} (the record's time).
   *
   * @param window the destination's open window, if any
   */
  public BundleDecision offer(Optional<BundleState> window, PageRequest page, Instant now) {
    String key = PageRecipient.fromAvro(page.getRecipient()).key();
    boolean bundled = page.getAction() == PageAction.TRIGGER && settings.bundles(page.getRecipient().getChannel());
    if (!bundled) {
      if (window.isPresent() && page.getAction() != PageAction.TRIGGER
          && window.get().held().stream().anyMatch(h -> h.getIncidentId().equals(page.getIncidentId()))) {
        BundleState w = window.get();
        List<PageRequest> held = new ArrayList<>(w.held());
        held.removeIf(h -> h.getIncidentId().equals(page.getIncidentId()));
        return new BundleDecision(Outcome.DROPPED, Optional.of(new BundleState(w.recipientKey(), w.windowStart(),
            w.windowEnd(), held, w.overflow())), List.of(), page.getAction() + " of incident " + page.getIncidentId()
            + " while its page was still held: neither goes out");
      }
      return new BundleDecision(Outcome.PASSED, window, List.of(page), page.getAction() + " on "
          + page.getRecipient().getChannel() + " is not bundled: sent at once");
    }
    List<PageRequest> send = new ArrayList<>();
    String closed = "";
    if (window.isPresent() && !now.isBefore(window.get().windowEnd())) {
      BundleDecision close = close(window.get(), now);
      send.addAll(close.send());
      closed = close.reason() + "; ";
      window = Optional.empty();
    }
    if (window.isEmpty()) {
      send.add(page);
      BundleState opened = new BundleState(key, now, now.plus(settings.bundleWindow()), List.of(), 0);
      return new BundleDecision(Outcome.SENT, Optional.of(opened), send, closed + "first page to " + key
          + " since " + opened.windowStart() + ": sent at once; further pages until " + opened.windowEnd()
          + " are bundled");
    }
    BundleState w = window.get();
    if (w.held().stream().anyMatch(h -> h.getDedupKey().equals(page.getDedupKey()))) {
      return new BundleDecision(Outcome.DROPPED, window, List.of(), "page " + page.getDedupKey()
          + " is held already");
    }
    List<PageRequest> held = new ArrayList<>(w.held());
    int overflow = w.overflow();
    if (held.size() < settings.maxBundledIncidents()) {
      held.add(page);
    } else {
      overflow++;
    }
    return new BundleDecision(Outcome.HELD, Optional.of(new BundleState(w.recipientKey(), w.windowStart(),
        w.windowEnd(), held, overflow)), List.of(), "within the window of " + key + " until " + w.windowEnd()
        + ": held (" + (held.size() + overflow) + " held)");
  }

  /**
   * The window's end, at {@code now} (a punctuation's timestamp): what it held goes out, and the
   * window closes.
   */
  public BundleDecision close(BundleState window, Instant now) {
    if (now.isBefore(window.windowEnd())) {
      return new BundleDecision(Outcome.NOT_DUE, Optional.of(window), List.of(), "window of "
          + window.recipientKey() + " ends at " + window.windowEnd());
    }
    List<PageRequest> held = window.held();
    if (held.isEmpty()) {
      return new BundleDecision(Outcome.CLOSED, Optional.empty(), List.of(), "window of " + window.recipientKey()
          + " closed with nothing held");
    }
    if (held.size() == 1 && window.overflow() == 0) {
      return new BundleDecision(Outcome.BUNDLED, Optional.empty(), List.of(held.get(0)), "window of "
          + window.recipientKey() + " closed with one page held: sent as itself");
    }
    PageRequest bundle = bundle(window, now);
    return new BundleDecision(Outcome.BUNDLED, Optional.empty(), List.of(bundle), "window of "
        + window.recipientKey() + " closed: " + (held.size() + window.overflow()) + " pages sent as one message "
        + bundle.getDedupKey());
  }

  /** The one message for a window's held pages. */
  static PageRequest bundle(BundleState window, Instant now) {
    List<PageRequest> held = window.held();
    PageRequest first = held.get(0);
    Set<String> incidents = new LinkedHashSet<>();
    held.forEach(p -> incidents.add(p.getIncidentId()));
    int count = incidents.size() + window.overflow();
    StringBuilder title = new StringBuilder(count + " incidents: ");
    StringBuilder body = new StringBuilder(count + " incidents paged you within "
        + java.time.Duration.between(window.windowStart(), window.windowEnd()) .toSeconds() + "s:\n");
    Severity severity = Severity.UNKNOWN;
    Urgency urgency = Urgency.LOW;
    List<Link> links = new ArrayList<>();
    Set<String> titled = new LinkedHashSet<>();
    for (PageRequest p : held) {
      if (p.getSeverity().ordinal() > severity.ordinal()) {
        severity = p.getSeverity();
      }
      if (p.getUrgency() == Urgency.HIGH) {
        urgency = Urgency.HIGH;
      }
      if (titled.add(p.getIncidentId())) {
        if (titled.size() > 1) {
          title.append("; ");
        }
        title.append(p.getTitle());
      }
      body.append("- [").append(p.getSeverity()).append("] ").append(p.getTitle()).append(" (")
          .append(p.getIncidentId()).append(", level ").append(p.getLevel())
          .append(p.getRootCause() == null ? "" : ", root cause " + p.getRootCause()).append(")\n");
      for (Link l : p.getLinks()) {
        if (links.size() < MAX_LINKS) {
          links.add(Link.newBuilder(l).build());
        }
      }
    }
    if (window.overflow() > 0) {
      body.append("- and ").append(window.overflow()).append(" more\n");
    }
    String t = title.length() <= MAX_TITLE ? title.toString() : title.substring(0, MAX_TITLE - 1) + "…";
    return PageRequest.newBuilder()
        .setDedupKey(DedupKeys.bundle(window.recipientKey(), window.windowStart()))
        .setIncidentId(first.getIncidentId())
        .setAction(PageAction.TRIGGER)
        .setLevel(first.getLevel())
        .setRepeat(first.getRepeat())
        .setRecipient(first.getRecipient())
        .setUrgency(urgency)
        .setSeverity(severity)
        .setTitle(t)
        .setBody(body.toString())
        .setRootCause(same(held, PageRequest::getRootCause))
        .setTeam(same(held, PageRequest::getTeam))
        .setPolicy(same(held, PageRequest::getPolicy))
        .setLinks(links)
        .setRequestedAt(now)
        .build();
  }

  private static String same(List<PageRequest> pages, java.util.function.Function<PageRequest, String> field) {
    String v = field.apply(pages.get(0));
    for (PageRequest p : pages) {
      if (!Objects.equals(v, field.apply(p))) {
        return null;
      }
    }
    return v;
  }
}
