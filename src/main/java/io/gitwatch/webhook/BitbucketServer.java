package io.gitwatch.webhook;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Bitbucket Server and Data Center: {@code X-Hub-Signature: sha256=}, an HMAC of the raw body. */
final class BitbucketServer extends Provider {

  private final String serverUrl;

  /**
   * @param serverUrl the server's base URL, to identify repositories in old payloads that carry no
   *     links; may be null
   */
  BitbucketServer(String serverUrl) {
    super("bitbucket-server", "bitbucket-server", "X-Event-Key", "X-Request-Id");
    this.serverUrl = serverUrl;
  }

  @Override
  Kind kind(String event, JsonObject json) {
    return "repo:refs_changed".equals(event)
        ? Kind.PUSH
        : "diagnostics:ping".equals(event) ? Kind.PING : Kind.IGNORED;
  }

  /** A {@code repo:refs_changed}: the repository's clone URLs and every ref it moved. */
  @Override
  Push parse(String event, String deliveryId, JsonObject json) {
    JsonFields.requiredObject(json, "/repository");
    JsonArray changes = JsonFields.requiredArray(json, "/changes");
    List<RefUpdate> updates = new ArrayList<>();
    // One push can move several branches and tags at once; Fleet read only the first.
    for (int i = 0; i < changes.size(); i++) {
      String change = "/changes/" + i;
      if ("DELETE".equals(JsonFields.string(json, change + "/type"))) {
        continue;
      }
      // Current servers send both; `refId` is what Fleet reads, `ref.id` is in every version.
      String ref = JsonFields.string(json, change + "/refId");
      if (ref == null) {
        ref = JsonFields.required(json, change + "/ref/id");
      }
      String commit = JsonFields.commit(json, change + "/toHash");
      if (commit != null) {
        updates.add(new RefUpdate(ref, commit));
      }
    }
    // Its payloads never name the default branch.
    return new Push(this, event, deliveryId, repoUrls(json), updates, null);
  }

  @Override
  Verification verify(Delivery delivery, WebhookSecret secret) {
    return secret.check(secretKey(), secrets -> Signatures.hubSignature256(delivery, secrets));
  }

  private List<String> repoUrls(JsonObject json) {
    List<String> urls = new ArrayList<>();
    for (JsonObject link : JsonFields.objects(json, "/repository/links/clone")) {
      String href = JsonFields.string(link, "/href");
      if (href != null) {
        urls.add(href);
      }
    }
    String key = JsonFields.string(json, "/repository/project/key");
    String slug = JsonFields.string(json, "/repository/slug");
    // Older servers send no links: the clone URL is rebuilt the way the server forms it, which is
    // possible only when we are told where the server is.
    if (urls.isEmpty()
        && serverUrl != null
        && !serverUrl.isBlank()
        && key != null
        && slug != null) {
      String base = serverUrl.strip().replaceAll("/+$", "");
      urls.add(base + "/scm/" + key.toLowerCase(Locale.ROOT) + "/" + slug + ".git");
    }
    return urls;
  }
}
