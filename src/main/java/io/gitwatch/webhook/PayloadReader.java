package io.gitwatch.webhook;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import java.io.ByteArrayInputStream;
import java.util.Map;

/**
 * Reads a delivery's JSON payload within bounds on nesting and on the size of numbers: anything
 * that is not a JSON object within them is a 400, never a 500.
 */
final class PayloadReader {

  private final JsonReaderFactory json;

  /**
   * @param maxDepth how many levels arrays and objects may nest, the outer object included
   * @param maxNumberLength the most characters a number may have, which is also the largest scale
   *     it could be turned into an integer with (Gitwatch never does: no payload number is read)
   */
  PayloadReader(int maxDepth, int maxNumberLength) {
    // Parsson's own keys (Liberty 26's JSON-P and the tests' are both Parsson 1.1); another
    // implementation ignores them, and every failure below is still a 400.
    json =
        Json.createReaderFactory(
            Map.of(
                // Parsson refuses a depth equal to its limit.
                "org.eclipse.parsson.maxDepth", maxDepth + 1,
                "org.eclipse.parsson.maxBigDecimalLength", maxNumberLength,
                "org.eclipse.parsson.maxBigIntegerScale", maxNumberLength));
  }

  /** The payload as a JSON object, or a 400 {@link Rejection}. */
  JsonObject read(byte[] payload) {
    try (JsonReader reader = json.createReader(new ByteArrayInputStream(payload))) {
      return reader.readObject();
    } catch (RuntimeException e) {
      // Reading bytes in memory fails only on what the bytes say, and parsers say it in more
      // ways than JsonException: Parsson throws NumberFormatException for an exponent beyond an
      // int (1E999999999999), UnsupportedOperationException for a number over its length limit
      // and a bare RuntimeException for nesting beyond its depth limit.
      throw new Rejection(Rejection.Reason.MALFORMED, "body is not a JSON object within limits");
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
