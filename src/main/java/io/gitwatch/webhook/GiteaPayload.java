package io.gitwatch.webhook;

import jakarta.json.JsonObject;

/** Reads a Gitea or Forgejo {@code push}, which keeps the Gogs format it was forked from. */
final class GiteaPayload {

  private GiteaPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json) {
    return GogsPayload.parsePush(Provider.GITEA, event, deliveryId, json);
  }
}
