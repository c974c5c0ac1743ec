package io.gitwatch.webhook;

import static io.gitwatch.webhook.Verification.failed;
import static io.gitwatch.webhook.Verification.ok;

import io.gitwatch.webhook.WebhookSecret.Line;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The constant-time checks every provider's verification is made of: an HMAC sent as hex, a shared
 * token, basic-auth credentials, each against every secret of a key.
 *
 * <p>Every comparison is constant time ({@link #equal}): signatures are decoded to bytes and
 * compared with the raw MAC, tokens and passwords are compared as SHA-256 digests so that their
 * lengths do not leak either. All secrets of a key are checked, not only up to the first match. A
 * reason names the header that was wrong, never a secret or an expected signature.
 */
final class Signatures {

  /** The HMACs providers and CI systems sign with. */
  enum Hmac {
    SHA1("HmacSHA1", 20),
    SHA256("HmacSHA256", 32),
    SHA512("HmacSHA512", 64);

    final String algorithm;
    final int length;

    Hmac(String algorithm, int length) {
      this.algorithm = algorithm;
      this.length = length;
    }
  }

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(Signatures::sha256);

  private Signatures() {}

  /**
   * Compares the signature in {@code header} ({@code prefix} then lowercase or uppercase hex of a
   * MAC) with the MAC of {@code data} under each secret.
   *
   * @param secrets not empty
   */
  static Verification hmac(
      String header, String signature, String prefix, Hmac hmac, byte[] data, List<Line> secrets) {
    if (signature == null) {
      return failed(header + " missing");
    }
    byte[] expected = decodeHex(signature, prefix, hmac.length);
    if (expected == null) {
      return failed("malformed " + header);
    }
    boolean matched = false;
    for (Line secret : secrets) {
      matched |= equal(expected, secret.mac(hmac).doFinal(data));
    }
    return matched ? ok() : failed(header + " does not match");
  }

  /** The {@code X-Hub-Signature: sha256=<hex>} both Bitbucket products sign with. */
  static Verification hubSignature256(Delivery delivery, List<Line> secrets) {
    return hmac(
        "X-Hub-Signature",
        delivery.header("X-Hub-Signature"),
        "sha256=",
        Hmac.SHA256,
        delivery.body(),
        secrets);
  }

  /** Compares a shared token sent in {@code header} with each secret. */
  static Verification token(String header, String token, List<Line> secrets) {
    if (token == null) {
      return failed(header + " missing");
    }
    return matchesAny(token, secrets) ? ok() : failed(header + " does not match");
  }

  /** Whether {@code value} equals one of {@code secrets}, compared as SHA-256 digests. */
  static boolean matchesAny(String value, List<Line> secrets) {
    byte[] digest = digest(value);
    boolean matched = false;
    for (Line secret : secrets) {
      matched |= equal(digest, secret.digest());
    }
    return matched;
  }

  /**
   * Basic authentication. User names and passwords pair by position; a single user name pairs with
   * every password (the caller makes sure the lists pair one of these ways).
   */
  static Verification basicAuth(String authorization, List<Line> users, List<Line> passwords) {
    if (authorization == null) {
      return failed("Authorization missing");
    }
    if (!authorization.regionMatches(true, 0, "Basic ", 0, "Basic ".length())) {
      return failed("malformed Authorization: not Basic");
    }
    String credentials;
    try {
      credentials =
          new String(
              Base64.getDecoder().decode(authorization.substring("Basic ".length()).strip()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return failed("malformed Authorization: not base64");
    }
    int colon = credentials.indexOf(':');
    if (colon < 0) {
      return failed("malformed Authorization: no user name");
    }
    byte[] user = digest(credentials.substring(0, colon));
    byte[] password = digest(credentials.substring(colon + 1));
    boolean matched = false;
    for (int i = 0; i < passwords.size(); i++) {
      Line expectedUser = users.size() == 1 ? users.get(0) : users.get(i);
      // `&`, not `&&`: both parts are compared whatever the first gives.
      matched |= equal(user, expectedUser.digest()) & equal(password, passwords.get(i).digest());
    }
    return matched ? ok() : failed("Authorization does not match");
  }

  /**
   * Whether two arrays of one length (a MAC's or a digest's, never secret) are equal, in time that
   * does not depend on where they differ: every byte is compared. {@link MessageDigest#isEqual}
   * does the same for any lengths, at three times the cost for a 32-byte MAC.
   */
  static boolean equal(byte[] a, byte[] b) {
    if (a.length != b.length) {
      return false;
    }
    int difference = 0;
    for (int i = 0; i < a.length; i++) {
      difference |= a[i] ^ b[i];
    }
    return difference == 0;
  }

  /** The SHA-256 of a string's UTF-8 bytes. */
  static byte[] digest(String value) {
    return SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The bytes of {@code prefix + hex}, or null unless it is exactly that for {@code length}. ASCII
   * hex only ({@link HexFormat}): {@link Character#digit} would also take other scripts' digits.
   */
  private static byte[] decodeHex(String signature, String prefix, int length) {
    int start = prefix.length();
    if (signature.length() != start + 2 * length || !signature.startsWith(prefix)) {
      return null;
    }
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      char high = signature.charAt(start + 2 * i);
      char low = signature.charAt(start + 2 * i + 1);
      if (!HexFormat.isHexDigit(high) || !HexFormat.isHexDigit(low)) {
        return null;
      }
      bytes[i] = (byte) (HexFormat.fromHexDigit(high) << 4 | HexFormat.fromHexDigit(low));
    }
    return bytes;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e); // required of every JRE
    }
  }
}
