package io.gitwatch.webhook;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Azure DevOps service hooks: basic authentication. It may send no header of its own, so it is also
 * recognised by its body; its event and delivery id are in the body.
 */
final class AzureDevOps extends Provider {

  AzureDevOps() {
    super("azure-devops", "azure-username", "X-Vss-ActivityId", null);
  }

  @Override
  boolean sentBy(Delivery delivery) {
    return super.sentBy(delivery) || delivery.has("X-Vss-SubscriptionId");
  }

  @Override
  boolean sentBy(JsonObject body) {
    return JsonFields.string(body, "/eventType") != null
        && "tfs".equals(JsonFields.string(body, "/publisherId"));
  }

  @Override
  String event(Delivery delivery, JsonObject json) {
    return JsonFields.required(json, "/eventType");
  }

  @Override
  String deliveryId(Delivery delivery, JsonObject json) {
    String id = json == null ? null : JsonFields.string(json, "/id");
    return id == null ? "" : id;
  }

  @Override
  Kind kind(String event, JsonObject json) {
    return "git.push".equals(event) ? Kind.PUSH : Kind.IGNORED;
  }

  /** A {@code git.push}: the repository's URLs and every ref it moved. */
  @Override
  Push parse(String event, String deliveryId, JsonObject json) {
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
    return new Push(this, event, deliveryId, repoUrls, updates, defaultBranch);
  }

  /**
   * Lines of {@code azure-username} and {@code azure-password} pair by position; a single user name
   * pairs with every password.
   */
  @Override
  Verification verify(Delivery delivery, WebhookSecret secret) {
    return secret.check(
        secretKey(),
        users -> secret.check("azure-password", passwords -> verify(delivery, users, passwords)));
  }

  private static Verification verify(
      Delivery delivery, List<WebhookSecret.Line> users, List<WebhookSecret.Line> passwords) {
    if (users.size() != 1 && users.size() != passwords.size()) {
      return Verification.failed(
          "webhook secret keys 'azure-username' and 'azure-password' have different numbers of"
              + " lines: configuration error");
    }
    return Signatures.basicAuth(delivery.header("Authorization"), users, passwords);
  }
}
