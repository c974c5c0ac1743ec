package io.gitwatch.webhook;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One webhook Secret's data, each key's value split into the secrets it holds, one per non-blank
 * line (stripped: {@code --from-file} leaves a trailing newline), so a secret can be rotated
 * without downtime.
 */
final class WebhookSecret {

  private final Map<String, List<String>> lines;

  private WebhookSecret(Map<String, List<String>> lines) {
    this.lines = lines;
  }

  /**
   * @param data a Secret's data, base64-decoded: key → value
   */
  static WebhookSecret of(Map<String, String> data) {
    Map<String, List<String>> lines = new HashMap<>();
    data.forEach(
        (key, value) ->
            lines.put(
                key, value.lines().map(String::strip).filter(line -> !line.isEmpty()).toList()));
    return new WebhookSecret(Map.copyOf(lines));
  }

  boolean has(String key) {
    return lines.containsKey(key);
  }

  /** The secrets under {@code key}; empty when it is absent or blank (see {@link #unusable}). */
  List<String> lines(String key) {
    return lines.getOrDefault(key, List.of());
  }

  /**
   * Why {@code key} verifies nothing: absent, or an empty value, which is a configuration error.
   */
  Verification unusable(String key) {
    return has(key)
        ? Verification.failed("webhook secret key '" + key + "' is empty: configuration error")
        : Verification.failed("webhook secret has no '" + key + "' key");
  }
}
