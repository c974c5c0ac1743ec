package io.gitwatch.webhook;

import jakarta.json.JsonObject;
import java.util.List;

/** Reads a GitHub {@code push} into the repository's URLs and the ref it moved. */
final class GitHubPayload {

  private GitHubPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json) {
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
    return new Push(Provider.GITHUB, event, deliveryId, repoUrls, updates, defaultBranch);
  }
}
