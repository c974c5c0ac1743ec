package io.gitwatch.webhook;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/** Reads a Bitbucket Cloud {@code repo:push} into the repository's URL and every ref it moved. */
final class BitbucketCloudPayload {

  private BitbucketCloudPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json) {
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
    return new Push(Provider.BITBUCKET_CLOUD, event, deliveryId, repoUrls, updates, defaultBranch);
  }
}
