package io.gitwatch.webhook;

import static io.gitwatch.webhook.Verification.failed;
import static io.gitwatch.webhook.Verification.ok;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The constant-time checks every provider's verification is made of: an HMAC sent as hex, a shared
 * token, basic-auth credentials, each against every secret of a key.
 *
 * <p>Every comparison is constant time ({@link MessageDigest#isEqual}): signatures are decoded to
 * bytes and compared with the raw MAC, tokens and passwords are compared as SHA-256 digests so that
 * their lengths do not leak either. All secrets of a key are checked, not only up to the first
 * match. A reason names the header that was wrong, never a secret or an expected signature.
 */
final class Signatures {

  static final String HMAC_SHA256 = "HmacSHA256";
  static final String HMAC_SHA1 = "HmacSHA1";

  // Per thread, the most recently used keyed Macs; old secrets fall out as rotation brings new
  // ones. The values are JDK classes only, so they pin nothing of the application's class loader.
  private static final int KEYED_MACS_PER_THREAD = 32;
  private static final ThreadLocal<Map<String, Mac>> KEYED_MACS =
      ThreadLocal.withInitial(
          () ->
              new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Mac> eldest) {
                  return size() > KEYED_MACS_PER_THREAD;
                }
              });
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(Signatures::sha256);

  private Signatures() {}

  /**
   * Compares the signature in {@code header} ({@code prefix} then lowercase or uppercase hex of a
   * MAC) with the MAC of {@code data} under each secret.
   */
  static Verification hmac(
      String header,
      String signature,
      String prefix,
      String algorithm,
      byte[] data,
      List<String> secrets) {
    if (signature == null) {
      return failed(header + " missing");
    }
    Mac first = keyed(algorithm, secrets.get(0));
    byte[] expected = decodeHex(signature, prefix, first.getMacLength());
    if (expected == null) {
      return failed("malformed " + header);
    }
    boolean matched = false;
    for (String secret : secrets) {
      matched |= MessageDigest.isEqual(expected, keyed(algorithm, secret).doFinal(data));
    }
    return matched ? ok() : failed(header + " does not match");
  }

  /** Compares a shared token sent in {@code header} with each secret. */
  static Verification token(String header, String token, List<String> secrets) {
    if (token == null) {
      return failed(header + " missing");
    }
    return matchesAny(token, secrets) ? ok() : failed(header + " does not match");
  }

  /** Whether {@code value} equals one of {@code secrets}, compared as SHA-256 digests. */
  static boolean matchesAny(String value, List<String> secrets) {
    byte[] digest = digest(value);
    boolean matched = false;
    for (String secret : secrets) {
      matched |= MessageDigest.isEqual(digest, digest(secret));
    }
    return matched;
  }

  /**
   * Basic authentication. User names and passwords pair by position; a single user name pairs with
   * every password (the caller makes sure the lists pair one of these ways).
   */
  static Verification basicAuth(String authorization, List<String> users, List<String> passwords) {
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
      String expectedUser = users.size() == 1 ? users.get(0) : users.get(i);
      // `&`, not `&&`: both parts are compared whatever the first gives.
      matched |=
          MessageDigest.isEqual(user, digest(expectedUser))
              & MessageDigest.isEqual(password, digest(passwords.get(i)));
    }
    return matched ? ok() : failed("Authorization does not match");
  }

  /**
   * A Mac already keyed with this secret: keying costs about as much as the HMAC of a 1 KB body,
   * and the same few secrets sign every delivery. A Mac is reset to its key after doFinal.
   */
  private static Mac keyed(String algorithm, String secret) {
    return KEYED_MACS
        .get()
        .computeIfAbsent(
            algorithm + '\n' + secret,
            k -> {
              Mac keyed = mac(algorithm);
              try {
                keyed.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC key rejected", e); // not for a non-empty key
              }
              return keyed;
            });
  }

  /** The bytes of {@code prefix + hex}, or null unless it is exactly that for {@code length}. */
  private static byte[] decodeHex(String signature, String prefix, int length) {
    if (!signature.startsWith(prefix) || signature.length() != prefix.length() + 2 * length) {
      return null;
    }
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      char high = signature.charAt(prefix.length() + 2 * i);
      char low = signature.charAt(prefix.length() + 2 * i + 1);
      // HexFormat accepts ASCII hex only (Character.digit would also take other scripts' digits).
      if (!HexFormat.isHexDigit(high) || !HexFormat.isHexDigit(low)) {
        return null;
      }
      bytes[i] = (byte) (HexFormat.fromHexDigit(high) << 4 | HexFormat.fromHexDigit(low));
    }
    return bytes;
  }

  private static byte[] digest(String value) {
    return SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
  }

  private static Mac mac(String algorithm) {
    try {
      return Mac.getInstance(algorithm);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " unavailable", e); // required of every JRE
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e); // required of every JRE
    }
  }
}
