package io.gitwatch.webhook;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import java.io.ByteArrayInputStream;
import java.util.Map;

/** Reads a delivery's JSON payload: anything but a JSON object is a 400. */
final class PayloadReader {

  private final JsonReaderFactory json = Json.createReaderFactory(Map.of());

  /** The payload as a JSON object, or a 400 {@link Rejection}. */
  JsonObject read(byte[] payload) {
    try (JsonReader reader = json.createReader(new ByteArrayInputStream(payload))) {
      return reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new Rejection(Rejection.Reason.MALFORMED, "body is not a JSON object");
    }
  }

  /** The payload as a JSON object, or null when it is not one. */
  JsonObject readOrNull(byte[] payload) {
    try {
      return read(payload);
    } catch (Rejection e) {
      return null;
    }
  }
}
