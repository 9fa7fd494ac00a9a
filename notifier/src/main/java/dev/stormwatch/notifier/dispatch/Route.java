package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.ChannelType;
import java.util.Objects;

/**
 * Where one delivery goes: a channel and its address (an integration name, e-mail address or
 * inbox name).
 *
 * @param channel the channel
 * @param address the address within it
 */
public record Route(ChannelType channel, String address) {

  public Route {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(address, "address");
  }
}
