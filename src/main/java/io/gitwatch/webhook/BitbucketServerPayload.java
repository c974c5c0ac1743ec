package io.gitwatch.webhook;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads a Bitbucket Server {@code repo:refs_changed} into the repository's URLs and refs. */
final class BitbucketServerPayload {

  private BitbucketServerPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json, String serverUrl) {
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
    return new Push(
        Provider.BITBUCKET_SERVER, event, deliveryId, repoUrls(json, serverUrl), updates, null);
  }

  private static List<String> repoUrls(JsonObject json, String serverUrl) {
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
