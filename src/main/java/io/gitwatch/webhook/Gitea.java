package io.gitwatch.webhook;

import jakarta.json.JsonObject;
import java.util.List;

/**
 * Gitea and Forgejo, which keep the Gogs format they were forked from and also send Gogs' and
 * GitHub's headers: an HMAC-SHA256 of the JSON payload in their own signature header or Gogs'.
 */
final class Gitea extends Provider {

  private static final List<String> SIGNATURE_HEADERS =
      List.of("X-Gitea-Signature", "X-Forgejo-Signature", "X-Gogs-Signature");

  Gitea() {
    super("gitea", "gitea", "X-Gitea-Event", "X-Gitea-Delivery");
  }

  @Override
  boolean sentBy(Delivery delivery) {
    return super.sentBy(delivery) || delivery.has("X-Forgejo-Event");
  }

  @Override
  String event(Delivery delivery, JsonObject json) {
    String event = super.event(delivery, json);
    return event != null ? event : delivery.header("X-Forgejo-Event");
  }

  /** Forgejo sends no {@code X-Gitea-Delivery}; its Gogs header carries the id. */
  @Override
  String deliveryId(Delivery delivery, JsonObject json) {
    if (delivery.has("X-Gitea-Delivery")) {
      return super.deliveryId(delivery, json);
    }
    String id = delivery.header("X-Gogs-Delivery");
    return id == null ? "" : id;
  }

  @Override
  Kind kind(String event, JsonObject json) {
    return "push".equals(event) ? Kind.PUSH : Kind.IGNORED;
  }

  @Override
  Push parse(String event, String deliveryId, JsonObject json) {
    return Gogs.push(this, event, deliveryId, json);
  }

  /** Fleet users configured Gitea under the key {@code gogs}: used when there is no gitea key. */
  @Override
  Verification verify(Delivery delivery, WebhookSecret secret) {
    String key = !secret.has("gitea") && secret.has("gogs") ? "gogs" : "gitea";
    String header =
        SIGNATURE_HEADERS.stream().filter(delivery::has).findFirst().orElse("X-Gitea-Signature");
    return Gogs.hmac(delivery, header, secret, key);
  }
}
