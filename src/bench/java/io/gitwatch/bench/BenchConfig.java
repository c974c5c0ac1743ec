package io.gitwatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings the benchmark server runs with, read from the configuration drop-in the bench
 * profile gives it ({@code src/bench/liberty/configDropins/overrides/bench.xml}), so targets that
 * depend on them ({@code max-queue-wait} + 1 s, the settle period) follow what the server used.
 */
final class BenchConfig {

  private BenchConfig() {}

  /** {@code gitwatch.webhook.max-queue-wait}. */
  static Duration maxQueueWait() {
    return duration("gitwatch.webhook.max-queue-wait");
  }

  /** {@code gitwatch.webhook.propagation-timeout}. */
  static Duration propagationTimeout() {
    return duration("gitwatch.webhook.propagation-timeout");
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
          Pattern.compile(
                  "<variable\\s+name=\"" + Pattern.quote(name) + "\"\\s+value=\"(\\d+)(ms|s|m)\"")
              .matcher(Files.readString(file));
      if (!m.find()) {
        throw new IllegalStateException(name + " is not set in " + file);
      }
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        default -> Duration.ofMinutes(amount);
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
