package io.gitwatch.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One webhook Secret's data, each key's value split into the secrets it holds, one per non-blank
 * line (stripped: {@code --from-file} leaves a trailing newline), so a secret can be rotated
 * without downtime. Built once per version of a Secret ({@link WebhookSecrets}), so a delivery pays
 * for neither the splitting nor the keying of its MACs.
 */
final class WebhookSecret {

  private final Map<String, String> data;
  private final Map<String, List<Line>> lines;

  private WebhookSecret(Map<String, String> data, Map<String, List<Line>> lines) {
    this.data = data;
    this.lines = lines;
  }

  /**
   * @param data a Secret's data, base64-decoded: key → value
   */
  static WebhookSecret of(Map<String, String> data) {
    Map<String, List<Line>> lines = new HashMap<>();
    data.forEach(
        (key, value) ->
            lines.put(
                key,
                value
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .map(Line::new)
                    .toList()));
    return new WebhookSecret(data, Map.copyOf(lines));
  }

  /**
   * This secret for {@code newData}: itself when it is the data this was built from, the same lines
   * (and keyed MACs) when the data is equal, else a new one.
   */
  WebhookSecret forData(Map<String, String> newData) {
    if (newData == data) {
      return this;
    }
    return newData.equals(data) ? new WebhookSecret(newData, lines) : of(newData);
  }

  boolean has(String key) {
    return lines.containsKey(key);
  }

  /** The secrets under {@code key}; empty when it is absent or blank. */
  List<Line> lines(String key) {
    return lines.getOrDefault(key, List.of());
  }

  /**
   * Checks a delivery with the secrets under {@code key}. A key without any verifies nothing, and
   * the answer says why: absent, or an empty value, which is a configuration error.
   */
  Verification check(String key, Function<List<Line>, Verification> check) {
    List<Line> secrets = lines(key);
    return secrets.isEmpty() ? unusable(key) : check.apply(secrets);
  }

  private Verification unusable(String key) {
    return has(key)
        ? Verification.failed("webhook secret key '" + key + "' is empty: configuration error")
        : Verification.failed("webhook secret has no '" + key + "' key");
  }

  /**
   * One secret: its text, its SHA-256 (tokens and passwords are compared as digests), and a MAC
   * keyed with it per thread and algorithm. Keying costs about as much as the HMAC of a 1 KB body,
   * and a Mac returns to its key after {@code doFinal}.
   */
  static final class Line {

    private final String value;
    private final byte[] digest;
    // Mac is not thread-safe. The per-thread values are JDK classes only, so they pin nothing of
    // the application's class loader; they go with this line when a rotation replaces it.
    private final Map<Signatures.Hmac, ThreadLocal<Mac>> macs =
        new EnumMap<>(Signatures.Hmac.class);

    Line(String value) {
      this.value = value;
      this.digest = Signatures.digest(value);
      for (Signatures.Hmac hmac : Signatures.Hmac.values()) {
        macs.put(hmac, ThreadLocal.withInitial(() -> keyed(hmac.algorithm)));
      }
    }

    String value() {
      return value;
    }

    /** The SHA-256 of the secret's UTF-8 bytes. */
    byte[] digest() {
      return digest;
    }

    /** A Mac keyed with this secret, for the calling thread. */
    Mac mac(Signatures.Hmac hmac) {
      return macs.get(hmac).get();
    }

    private Mac keyed(String algorithm) {
      try {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(value.getBytes(StandardCharsets.UTF_8), algorithm));
        return mac;
      } catch (GeneralSecurityException e) {
        // Every JRE has the HMACs we use, and a line is never empty.
        throw new IllegalStateException(algorithm + " unavailable", e);
      }
    }

    /** Never the secret itself, should a Line end up in a message. */
    @Override
    public String toString() {
      return "(secret)";
    }
  }
}
