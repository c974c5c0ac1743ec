package io.gitwatch.webhook;

import jakarta.json.JsonObject;
import java.util.List;

/** Reads a Gogs {@code push}, or a tag's {@code create}, into the repository's URLs and ref. */
final class GogsPayload {

  private GogsPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json) {
    if (!"create".equals(event)) {
      return parsePush(Provider.GOGS, event, deliveryId, json);
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
    return new Push(Provider.GOGS, event, deliveryId, repoUrls(json), updates, defaultBranch(json));
  }

  /** A push in the Gogs format, which Gitea and Forgejo send too. */
  static Push parsePush(Provider provider, String event, String deliveryId, JsonObject json) {
    JsonFields.requiredObject(json, "/repository");
    String ref = JsonFields.required(json, "/ref");
    // Gitea flags a deletion; Gogs sends a `delete` event instead. Either way `after` is zeros.
    String commit = JsonFields.isTrue(json, "/deleted") ? null : JsonFields.commit(json, "/after");
    List<RefUpdate> updates = commit == null ? List.of() : List.of(new RefUpdate(ref, commit));
    return new Push(provider, event, deliveryId, repoUrls(json), updates, defaultBranch(json));
  }

  private static List<String> repoUrls(JsonObject json) {
    return JsonFields.strings(
        json, "/repository/html_url", "/repository/clone_url", "/repository/ssh_url");
  }

  private static String defaultBranch(JsonObject json) {
    return JsonFields.string(json, "/repository/default_branch");
  }
}
