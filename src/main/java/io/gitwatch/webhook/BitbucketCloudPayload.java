package io.gitwatch.webhook;

import jakarta.json.JsonObject;

final class BitbucketCloudPayload {
  private BitbucketCloudPayload() {}

  static Push parse(String event, String deliveryId, JsonObject json) {
    throw new UnsupportedOperationException("not yet written");
  }
}
