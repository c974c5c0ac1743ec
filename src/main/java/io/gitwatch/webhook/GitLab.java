package io.gitwatch.webhook;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;

/** GitLab project hooks and System Hooks: {@code X-Gitlab-Token}, a shared token. */
final class GitLab extends Provider {

  GitLab() {
    super("gitlab", "gitlab", "X-Gitlab-Event", "X-Gitlab-Event-UUID");
  }

  @Override
  Kind kind(String event, JsonObject json) {
    return switch (event) {
      case "Push Hook", "Tag Push Hook" -> Kind.PUSH;
      // An instance System Hook delivers pushes too; it is authenticated with the same token.
      case "System Hook" -> isSystemPush(json) ? Kind.PUSH : Kind.IGNORED;
      default -> Kind.IGNORED;
    };
  }

  /** {@code X-Gitlab-Event-UUID}, or the {@code Idempotency-Key} of versions without it. */
  @Override
  String deliveryId(Delivery delivery, JsonObject json) {
    String id = super.deliveryId(delivery, json);
    if (!id.isEmpty()) {
      return id;
    }
    String key = delivery.header("Idempotency-Key");
    return key == null ? "" : key;
  }

  /** A push, tag push or System Hook push: they carry the same body. */
  @Override
  Push parse(String event, String deliveryId, JsonObject json) {
    JsonFields.requiredObject(json, "/project");
    String ref = JsonFields.required(json, "/ref");
    List<String> repoUrls =
        JsonFields.strings(
            json, "/project/web_url", "/project/git_http_url", "/project/git_ssh_url");
    String commit = commit(json);
    List<RefUpdate> updates = commit == null ? List.of() : List.of(new RefUpdate(ref, commit));
    String defaultBranch = JsonFields.string(json, "/project/default_branch");
    return new Push(this, event, deliveryId, repoUrls, updates, defaultBranch);
  }

  @Override
  Verification verify(Delivery delivery, WebhookSecret secret) {
    return secret.check(
        secretKey(),
        secrets -> Signatures.token("X-Gitlab-Token", delivery.header("X-Gitlab-Token"), secrets));
  }

  /** The commit the ref now points at, or null when the ref was deleted. */
  private static String commit(JsonObject json) {
    // `checkout_sha` is the commit even for an annotated tag, whose `after` is the tag object.
    // GitLab sets it to null when the ref is gone; only payloads without it fall back to `after`.
    JsonValue checkout = JsonFields.value(json, "/checkout_sha");
    if (checkout == JsonValue.NULL) {
      return null;
    }
    return JsonFields.commit(
        json, JsonFields.string(json, "/checkout_sha") != null ? "/checkout_sha" : "/after");
  }

  private static boolean isSystemPush(JsonObject json) {
    String name = JsonFields.string(json, "/event_name");
    return "push".equals(name) || "tag_push".equals(name);
  }
}
