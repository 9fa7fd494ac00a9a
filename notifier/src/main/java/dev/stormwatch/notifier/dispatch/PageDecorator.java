package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.PageRequest;

/**
 * Changes a page just before its channels render it, e.g. adds signed ack/resolve links
 * ({@code dev.stormwatch.notifier.api.LinkDecorator}). The dispatcher applies it to every page it
 * sends (first sends and resends after a restart alike), never to what it records in
 * {@code pages.log}. It must be deterministic (a resend after a crash renders the same page), fast
 * (it runs on the consumer thread) and must keep the dedup key, incident, action and recipient. A
 * decorator that throws is logged and the page goes out undecorated: decorating never stops a page.
 */
@FunctionalInterface
public interface PageDecorator {

  /** The page as the channels should render it. */
  PageRequest decorate(PageRequest page);

  /** Leaves every page as it is. */
  static PageDecorator none() {
    return page -> page;
  }
}
