package io.gitwatch.webhook;

import jakarta.json.JsonObject;

final class BitbucketServerPayload {
  private BitbucketServerPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json, String serverUrl) {
    throw new UnsupportedOperationException("not yet written");
  }
}
