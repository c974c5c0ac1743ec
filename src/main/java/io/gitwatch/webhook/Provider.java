package io.gitwatch.webhook;

import jakarta.json.JsonObject;

/**
 * A git provider we accept webhooks from: one subclass per provider owns how it is recognised, how
 * it names its events and deliveries, how its push reads, and how it is verified. {@link Providers}
 * lists them in detection order; the constructor is package-private, so the set is closed.
 */
public abstract class Provider {

  /** What a delivery asks of us. */
  public enum Kind {
    PUSH,
    PING,
    IGNORED
  }

  private final String label;
  private final String secretKey;
  private final String eventHeader;
  private final String deliveryHeader;

  /**
   * @param label the name used in responses, logs and metrics
   * @param secretKey the key of a webhook Secret that holds this provider's secret (Fleet's keys)
   * @param eventHeader the header naming the event; its presence identifies the provider
   * @param deliveryHeader the header carrying the delivery's id
   */
  Provider(String label, String secretKey, String eventHeader, String deliveryHeader) {
    this.label = label;
    this.secretKey = secretKey;
    this.eventHeader = eventHeader;
    this.deliveryHeader = deliveryHeader;
  }

  /** Every provider with default settings, in detection order. */
  public static Provider[] values() {
    return Providers.DEFAULTS.all().toArray(new Provider[0]);
  }

  /** The name used in responses, logs and metrics. */
  public final String label() {
    return label;
  }

  /** The key of the webhook Secret that holds this provider's secret (Azure: the user name's). */
  public final String secretKey() {
    return secretKey;
  }

  /** Whether the delivery's headers say it comes from this provider. */
  boolean sentBy(Delivery delivery) {
    return delivery.has(eventHeader);
  }

  /**
   * Whether the body alone says it comes from this provider, for a provider that may send no header
   * of its own. Asked only when no provider recognised the headers.
   */
  boolean sentBy(JsonObject body) {
    return false;
  }

  /** The event's name as the provider spells it. */
  String event(Delivery delivery, JsonObject json) {
    return delivery.header(eventHeader);
  }

  /** The provider's id for this delivery (stable across redeliveries), or "" when it sends none. */
  String deliveryId(Delivery delivery, JsonObject json) {
    String id = delivery.header(deliveryHeader);
    return id == null ? "" : id;
  }

  /** Whether an event is a push we act on, a ping or test we acknowledge, or one we do not use. */
  abstract Kind kind(String event, JsonObject json);

  /**
   * Reads a push (see {@link #kind}) into the repository it names and the refs it moved; a payload
   * without the fields a push needs is a 400 {@link Rejection}.
   */
  abstract Push parse(String event, String deliveryId, JsonObject json);

  /** Checks the delivery's signature, token or credentials against one webhook Secret. */
  abstract Verification verify(Delivery delivery, WebhookSecret secret);

  /** Providers are equal when they are the same provider, whatever their settings. */
  @Override
  public final boolean equals(Object other) {
    return other instanceof Provider provider && provider.label.equals(label);
  }

  @Override
  public final int hashCode() {
    return label.hashCode();
  }

  @Override
  public final String toString() {
    return label;
  }
}
