package io.gitwatch.bench;

import io.gitwatch.gitrepo.GoDuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings the benchmark server runs with, read from the configuration drop-in the bench
 * profile gives it ({@code src/bench/liberty/configDropins/overrides/bench.xml}), so targets that
 * depend on them ({@code max-queue-wait} + {@code max-work-wait}, the settle period) follow what
 * the server used.
 */
final class BenchConfig {

  private BenchConfig() {}

  /** {@code gitwatch.webhook.max-queue-wait}. */
  static Duration maxQueueWait() {
    return duration("gitwatch.webhook.max-queue-wait");
  }

  /** {@code gitwatch.webhook.max-work-wait}. */
  static Duration maxWorkWait() {
    return duration("gitwatch.webhook.max-work-wait");
  }

  /**
   * How long the final state is waited for after the last delivery: {@code
   * gitwatch.webhook.propagation-timeout} + 10 s.
   */
  static Duration settle() {
    return duration("gitwatch.webhook.propagation-timeout").plusSeconds(10);
  }

  /** The test server's webhook endpoint, {@code POST /} on {@code it.http.port}. */
  static URI webhookUrl() {
    return URI.create("http://127.0.0.1:" + Integer.getInteger("it.http.port") + "/");
  }

  /** The test server's directory in the Liberty installation. */
  static Path serverDir() {
    return Path.of(
        System.getProperty("gitwatch.basedir", "."),
        "target/liberty/wlp/usr/servers",
        Machine.testServerName());
  }

  private static Duration duration(String name) {
    Path file = serverDir().resolve("configDropins/overrides/bench.xml");
    try {
      Matcher m =
          Pattern.compile("<variable\\s+name=\"" + Pattern.quote(name) + "\"\\s+value=\"([^\"]*)\"")
              .matcher(Files.readString(file));
      if (!m.find()) {
        throw new IllegalStateException(name + " is not set in " + file);
      }
      // As the server reads it (GoDuration is Gitwatch's converter for Duration settings).
      return GoDuration.parse(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
