package io.gitwatch.webhook;

import jakarta.json.JsonObject;
import java.util.List;

/** GitHub and GitHub Enterprise: {@code X-Hub-Signature-256}, an HMAC-SHA256 of the raw body. */
final class GitHub extends Provider {

  private final boolean allowSha1;

  /**
   * @param allowSha1 whether the legacy {@code X-Hub-Signature: sha1=} is accepted when no SHA-256
   *     signature is sent
   */
  GitHub(boolean allowSha1) {
    super("github", "github", "X-GitHub-Event", "X-GitHub-Delivery");
    this.allowSha1 = allowSha1;
  }

  @Override
  Kind kind(String event, JsonObject json) {
    return "push".equals(event) ? Kind.PUSH : "ping".equals(event) ? Kind.PING : Kind.IGNORED;
  }

  @Override
  Push parse(String event, String deliveryId, JsonObject json) {
    JsonFields.requiredObject(json, "/repository");
    String ref = JsonFields.required(json, "/ref");
    // Not `repository.url`: outside push events it is the API URL, which names no clone.
    List<String> repoUrls =
        JsonFields.strings(
            json,
            "/repository/html_url",
            "/repository/clone_url",
            "/repository/ssh_url",
            "/repository/git_url");
    // A deletion has no commit to move to; `after` is then zeros, but `deleted` says it outright.
    String commit = JsonFields.isTrue(json, "/deleted") ? null : JsonFields.commit(json, "/after");
    List<RefUpdate> updates = commit == null ? List.of() : List.of(new RefUpdate(ref, commit));
    String defaultBranch = JsonFields.string(json, "/repository/default_branch");
    if (defaultBranch == null) {
      // Older payloads, and GitHub Enterprise ones, may name it only by its legacy field.
      defaultBranch = JsonFields.string(json, "/repository/master_branch");
    }
    return new Push(this, event, deliveryId, repoUrls, updates, defaultBranch);
  }

  /** HMAC of the raw body: GitHub signs the form body itself in form mode. */
  @Override
  Verification verify(Delivery delivery, WebhookSecret secret) {
    return secret.check(secretKey(), secrets -> verify(delivery, secrets));
  }

  private Verification verify(Delivery delivery, List<WebhookSecret.Line> secrets) {
    String sha256 = delivery.header("X-Hub-Signature-256");
    if (sha256 != null) {
      return Signatures.hmac(
          "X-Hub-Signature-256",
          sha256,
          "sha256=",
          Signatures.Hmac.SHA256,
          delivery.body(),
          secrets);
    }
    String sha1 = delivery.header("X-Hub-Signature");
    if (sha1 == null) {
      return Verification.failed("X-Hub-Signature-256 missing");
    }
    if (!allowSha1) {
      return Verification.failed("SHA-1 signatures are refused (gitwatch.webhook.allow-sha1)");
    }
    return Signatures.hmac(
        "X-Hub-Signature", sha1, "sha1=", Signatures.Hmac.SHA1, delivery.body(), secrets);
  }
}
