package dev.stormwatch.notifier.channel;

import java.util.Objects;

/**
 * A credential from the dispatcher's configuration (an API key, a signing secret, a webhook URL
 * that embeds a token). Its {@link #toString()} never shows the value, so configs and log lines
 * that print it are safe.
 *
 * @param value the secret itself
 */
public record Secret(String value) {

  public Secret {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("a secret must not be blank");
    }
  }

  @Override
  public String toString() {
    return "****";
  }
}
