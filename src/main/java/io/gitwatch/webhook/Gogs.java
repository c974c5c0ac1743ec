package io.gitwatch.webhook;

import jakarta.json.JsonObject;
import java.util.List;

/** Gogs: {@code X-Gogs-Signature}, an HMAC-SHA256 of the JSON payload (also in form mode). */
final class Gogs extends Provider {

  Gogs() {
    super("gogs", "gogs", "X-Gogs-Event", "X-Gogs-Delivery");
  }

  /** Gogs announces a tag only with a {@code create} event, so that one is a push of the tag. */
  @Override
  Kind kind(String event, JsonObject json) {
    return "push".equals(event)
            || "create".equals(event) && "tag".equals(JsonFields.string(json, "/ref_type"))
        ? Kind.PUSH
        : Kind.IGNORED;
  }

  @Override
  Push parse(String event, String deliveryId, JsonObject json) {
    if (!"create".equals(event)) {
      return push(this, event, deliveryId, json);
    }
    // Gogs sends no push for a tag, only this event, whose `ref` is the short tag name.
    JsonFields.requiredObject(json, "/repository");
    List<RefUpdate> updates = List.of();
    if ("tag".equals(JsonFields.string(json, "/ref_type"))) {
      String tag = JsonFields.required(json, "/ref");
      String commit = JsonFields.commit(json, "/sha");
      updates =
          commit == null ? List.of() : List.of(new RefUpdate(RefUpdate.TAG_PREFIX + tag, commit));
    }
    return new Push(this, event, deliveryId, repoUrls(json), updates, defaultBranch(json));
  }

  @Override
  Verification verify(Delivery delivery, WebhookSecret secret) {
    return hmac(delivery, "X-Gogs-Signature", secret, secretKey());
  }

  /** A push in the Gogs format, which Gitea and Forgejo send too. */
  static Push push(Provider provider, String event, String deliveryId, JsonObject json) {
    JsonFields.requiredObject(json, "/repository");
    String ref = JsonFields.required(json, "/ref");
    // Gitea flags a deletion; Gogs sends a `delete` event instead. Either way `after` is zeros.
    String commit = JsonFields.isTrue(json, "/deleted") ? null : JsonFields.commit(json, "/after");
    List<RefUpdate> updates = commit == null ? List.of() : List.of(new RefUpdate(ref, commit));
    return new Push(provider, event, deliveryId, repoUrls(json), updates, defaultBranch(json));
  }

  /** The Gogs signature: bare hex of an HMAC-SHA256 of the JSON payload, also in form mode. */
  static Verification hmac(Delivery delivery, String header, WebhookSecret secret, String key) {
    return secret.check(
        key,
        secrets ->
            Signatures.hmac(
                header,
                delivery.header(header),
                "",
                Signatures.Hmac.SHA256,
                delivery.payload(),
                secrets));
  }

  private static List<String> repoUrls(JsonObject json) {
    return JsonFields.strings(
        json, "/repository/html_url", "/repository/clone_url", "/repository/ssh_url");
  }

  private static String defaultBranch(JsonObject json) {
    return JsonFields.string(json, "/repository/default_branch");
  }
}
