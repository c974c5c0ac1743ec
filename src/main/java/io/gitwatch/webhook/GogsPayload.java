package io.gitwatch.webhook;

import jakarta.json.JsonObject;

final class GogsPayload {
  private GogsPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json) {
    throw new UnsupportedOperationException("not yet written");
  }
}
