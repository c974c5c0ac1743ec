package io.gitwatch.webhook;

import java.util.List;

/** The body of a 200 or 202 answer to a delivery; null fields are left out. */
public record Outcome(
    String provider,
    String event,
    String delivery,
    List<String> matched,
    List<String> updated,
    String ignored) {

  static Outcome ping(Provider provider, String event, String delivery) {
    return new Outcome(provider.label(), event, delivery, null, null, null);
  }

  static Outcome ignored(Provider provider, String event, String delivery, String reason) {
    return new Outcome(provider.label(), event, delivery, null, null, reason);
  }

  static Outcome pushed(Push push, List<String> matched, List<String> updated) {
    return new Outcome(
        push.provider().label(), push.event(), push.deliveryId(), matched, updated, null);
  }
}
