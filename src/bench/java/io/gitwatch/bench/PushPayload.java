package io.gitwatch.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real GitHub push as a template (the captured 8.5 KB one from {@code ../shared} when present,
 * else the project's own): its repository URLs, branch, {@code before} and {@code after} made
 * placeholders.
 */
final class PushPayload {

  private final String template;
  private final String source;

  private PushPayload(String template, String source) {
    this.template = template;
    this.source = source;
  }

  static PushPayload load() {
    Path shared =
        Path.of(
            System.getProperty("gitwatch.shared", "../shared"),
            "fixtures/webhooks/github/push.json");
    Path own =
        Path.of(
            System.getProperty("gitwatch.basedir", "."),
            "src/test/resources/payloads/github/push.json");
    Path file = Files.exists(shared) ? shared : own;
    try {
      String json = Files.readString(file);
      JsonObject push = Json.createReader(new StringReader(json)).readObject();
      String html = push.getJsonObject("repository").getString("html_url");
      String template =
          json.replace("\"" + push.getString("ref") + "\"", "\"refs/heads/main\"")
              .replace(push.getString("before"), "@@BEFORE@@")
              .replace(push.getString("after"), "@@AFTER@@")
              .replace(html + ".git", "@@URL@@")
              .replace(html, "@@URL@@");
      return new PushPayload(template, file.getFileName() + " (" + Files.size(file) + " bytes)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the template came from, for the table. */
  String source() {
    return source;
  }

  /**
   * A push of {@code main} from {@code before} to {@code after} in the repository at {@code url},
   * followed by {@code padding} (whitespace: the same JSON in other bytes).
   */
  byte[] body(String url, String before, String after, String padding) {
    return (template
                .replace("@@URL@@", url.replaceAll("\\.git$", ""))
                .replace("@@BEFORE@@", before)
                .replace("@@AFTER@@", after)
            + padding)
        .getBytes(StandardCharsets.UTF_8);
  }
}
