package io.gitwatch.webhook;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Reads an Azure DevOps {@code git.push} into the repository's URLs and every ref it moved. */
final class AzureDevOpsPayload {

  private AzureDevOpsPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json) {
    JsonFields.requiredObject(json, "/resource");
    JsonFields.requiredObject(json, "/resource/repository");
    JsonArray refUpdates = JsonFields.requiredArray(json, "/resource/refUpdates");
    List<RefUpdate> updates = new ArrayList<>();
    // One push can move several branches and tags at once; Fleet read only the first.
    for (int i = 0; i < refUpdates.size(); i++) {
      String refUpdate = "/resource/refUpdates/" + i;
      String ref = JsonFields.required(json, refUpdate + "/name");
      String commit = JsonFields.commit(json, refUpdate + "/newObjectId");
      if (commit != null) {
        updates.add(new RefUpdate(ref, commit));
      }
    }
    // A push names only `remoteUrl`; the SSH and web forms appear in other events' resources.
    List<String> repoUrls =
        JsonFields.strings(
            json,
            "/resource/repository/remoteUrl",
            "/resource/repository/sshUrl",
            "/resource/repository/webUrl");
    String defaultBranch = JsonFields.string(json, "/resource/repository/defaultBranch");
    if (defaultBranch != null && defaultBranch.startsWith(RefUpdate.BRANCH_PREFIX)) {
      defaultBranch = defaultBranch.substring(RefUpdate.BRANCH_PREFIX.length());
    }
    return new Push(Provider.AZURE_DEVOPS, event, deliveryId, repoUrls, updates, defaultBranch);
  }
}
