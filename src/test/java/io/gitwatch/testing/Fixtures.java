package io.gitwatch.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test payloads: the captured provider payloads of the shared folder, and our own resources. */
public final class Fixtures {

  private Fixtures() {}

  /**
   * The bytes of {@code fixtures/webhooks/<relativePath>} in the shared folder (system property
   * {@code gitwatch.shared}, else {@code ../shared}); the calling test is skipped when that folder
   * is absent, as in a fresh clone of the project alone.
   */
  public static byte[] shared(String relativePath) {
    Path webhooks =
        Path.of(System.getProperty("gitwatch.shared", "../shared"), "fixtures/webhooks");
    assumeTrue(
        Files.isDirectory(webhooks),
        "../shared/fixtures/webhooks not found: skipping tests that replay captured provider"
            + " payloads");
    try {
      return Files.readAllBytes(webhooks.resolve(relativePath));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes of a test classpath resource, e.g. {@code payloads/github/push.json}. */
  public static byte[] resource(String path) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonObject json(byte[] bytes) {
    try (JsonReader reader = Json.createReader(new ByteArrayInputStream(bytes))) {
      return reader.readObject();
    }
  }

  /** A copy of the payload with the value at an RFC 6901 pointer added or replaced. */
  public static JsonObject with(JsonObject json, String pointer, JsonValue value) {
    return Json.createPointer(pointer).add(json, value);
  }

  /** A copy of the payload without the value at an RFC 6901 pointer. */
  public static JsonObject without(JsonObject json, String pointer) {
    return Json.createPointer(pointer).remove(json);
  }
}
