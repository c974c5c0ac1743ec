package io.gitwatch.webhook;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;

/** Reads a GitLab push, tag push or System Hook push into the project's URLs and its ref. */
final class GitLabPayload {

  private GitLabPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json) {
    // Project hooks and System Hooks carry the same push body, so the event needs no branching.
    JsonFields.requiredObject(json, "/project");
    String ref = JsonFields.required(json, "/ref");
    List<String> repoUrls =
        JsonFields.strings(
            json, "/project/web_url", "/project/git_http_url", "/project/git_ssh_url");
    String commit = commit(json);
    List<RefUpdate> updates = commit == null ? List.of() : List.of(new RefUpdate(ref, commit));
    String defaultBranch = JsonFields.string(json, "/project/default_branch");
    return new Push(Provider.GITLAB, event, deliveryId, repoUrls, updates, defaultBranch);
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
}
