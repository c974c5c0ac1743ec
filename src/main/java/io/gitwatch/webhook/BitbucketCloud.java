package io.gitwatch.webhook;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Bitbucket Cloud: {@code X-Hub-Signature: sha256=}, an HMAC of the raw body (since 2023); told
 * apart from Bitbucket Server, which also sends {@code X-Event-Key}, by {@code X-Hook-UUID}.
 */
final class BitbucketCloud extends Provider {

  /** How Fleet users configured Bitbucket Cloud: the hook's UUID, which is an id, not a secret. */
  private static final Pattern HOOK_UUID =
      Pattern.compile(
          "\\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\}");

  BitbucketCloud() {
    super("bitbucket-cloud", "bitbucket", "X-Event-Key", "X-Request-UUID");
  }

  @Override
  boolean sentBy(Delivery delivery) {
    return delivery.has("X-Hook-UUID");
  }

  @Override
  Kind kind(String event, JsonObject json) {
    return "repo:push".equals(event) ? Kind.PUSH : Kind.IGNORED;
  }

  /** A {@code repo:push}: the repository's web link and every ref it moved. */
  @Override
  Push parse(String event, String deliveryId, JsonObject json) {
    JsonFields.requiredObject(json, "/repository");
    JsonArray changes = JsonFields.requiredArray(json, "/push/changes");
    List<RefUpdate> updates = new ArrayList<>();
    // One push can move several branches and tags at once; Fleet read only the first.
    for (int i = 0; i < changes.size(); i++) {
      String change = "/push/changes/" + i + "/new";
      // A deleted branch or tag has `new: null`.
      if (JsonFields.value(json, change) == JsonValue.NULL) {
        continue;
      }
      JsonFields.requiredObject(json, change);
      String prefix =
          switch (JsonFields.required(json, change + "/type")) {
            case "branch" -> RefUpdate.BRANCH_PREFIX;
            case "tag" -> RefUpdate.TAG_PREFIX;
            // Mercurial's `named_branch` and `bookmark`: no git ref a GitRepo could track.
            default -> null;
          };
      if (prefix == null) {
        continue;
      }
      String name = JsonFields.required(json, change + "/name");
      String commit = JsonFields.commit(json, change + "/target/hash");
      if (commit != null) {
        updates.add(new RefUpdate(prefix + name, commit));
      }
    }
    // The push carries no clone URL. The web link has the same host and path, which is all a
    // repository key compares.
    List<String> repoUrls = JsonFields.strings(json, "/repository/links/html/href");
    String defaultBranch = JsonFields.string(json, "/repository/mainbranch/name");
    return new Push(this, event, deliveryId, repoUrls, updates, defaultBranch);
  }

  /**
   * The HMAC; a secret line holding a hook UUID is also accepted when it equals {@code
   * X-Hook-UUID}, as a weak match, for Secrets written for Fleet.
   */
  @Override
  Verification verify(Delivery delivery, WebhookSecret secret) {
    return secret.check(secretKey(), secrets -> verify(delivery, secrets));
  }

  private static Verification verify(Delivery delivery, List<WebhookSecret.Line> secrets) {
    Verification signed = Signatures.hubSignature256(delivery, secrets);
    if (signed.verified()) {
      return signed;
    }
    List<WebhookSecret.Line> hookUuids =
        secrets.stream()
            .filter(line -> HOOK_UUID.matcher(line.value()).matches())
            .map(line -> new WebhookSecret.Line(line.value().toLowerCase(Locale.ROOT)))
            .toList();
    if (hookUuids.isEmpty()) {
      return signed;
    }
    String hookUuid = delivery.header("X-Hook-UUID");
    return hookUuid != null && Signatures.matchesAny(hookUuid.toLowerCase(Locale.ROOT), hookUuids)
        ? Verification.weakOk()
        : Verification.failed(signed.reason() + "; X-Hook-UUID does not match");
  }
}
