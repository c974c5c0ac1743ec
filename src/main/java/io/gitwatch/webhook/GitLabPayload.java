package io.gitwatch.webhook;

import jakarta.json.JsonObject;

final class GitLabPayload {
  private GitLabPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json) {
    throw new UnsupportedOperationException("not yet written");
  }
}
