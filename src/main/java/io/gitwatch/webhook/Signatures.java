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
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a delivery's signature, token or credentials against one webhook Secret's data.
 *
 * <p>Every comparison is constant time ({@link MessageDigest#isEqual}): signatures are decoded to
 * bytes and compared with the raw MAC, tokens and passwords are compared as SHA-256 digests so that
 * their lengths do not leak either. A Secret value may hold several secrets, one per line, so a
 * secret can be rotated without downtime; all lines are checked, not only up to the first match. An
 * empty value is a configuration error, never "verification off" (Fleet's fail-open, spec §6.1).
 */
final class Signatures {

  private static final String HMAC_SHA256 = "HmacSHA256";
  private static final String HMAC_SHA1 = "HmacSHA1";

  // Mac and MessageDigest are not thread-safe; one per thread avoids a provider lookup per call.
  // The values are JDK classes only, so they pin nothing of the application's class loader.
  private static final ThreadLocal<Mac> SHA256_MAC =
      ThreadLocal.withInitial(() -> mac(HMAC_SHA256));
  // Per thread, the most recently used keyed Macs; old secrets fall out as rotation brings new
  // ones.
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
  private static final ThreadLocal<Mac> SHA1_MAC = ThreadLocal.withInitial(() -> mac(HMAC_SHA1));
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(Signatures::sha256);

  /** How Fleet users configured Bitbucket Cloud: the hook's UUID, which is an id, not a secret. */
  private static final Pattern HOOK_UUID =
      Pattern.compile(
          "\\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\}");

  private Signatures() {}

  /**
   * Verifies {@code delivery} as {@code provider} signs it.
   *
   * @param secret one webhook Secret's data, base64-decoded: key → value
   * @param allowSha1 whether GitHub's legacy {@code X-Hub-Signature: sha1=} is accepted when no
   *     SHA-256 signature is sent
   */
  static Verification verify(
      Provider provider, Delivery delivery, Map<String, String> secret, boolean allowSha1) {
    if (secret == null) {
      return failed("no webhook secret");
    }
    return switch (provider) {
      case GITHUB -> github(delivery, secret, allowSha1);
      case GITLAB -> gitlab(delivery, secret);
      case BITBUCKET_CLOUD -> bitbucketCloud(delivery, secret);
      case BITBUCKET_SERVER -> bitbucketServer(delivery, secret);
      case GOGS -> gogs(delivery, secret);
      case GITEA -> gitea(delivery, secret);
      case AZURE_DEVOPS -> azureDevOps(delivery, secret);
    };
  }

  /** HMAC-SHA256 of the raw body (GitHub signs the form body itself in form mode). */
  private static Verification github(
      Delivery delivery, Map<String, String> secret, boolean allowSha1) {
    Verification problem = problem(secret, "github");
    if (problem != null) {
      return problem;
    }
    List<String> lines = lines(secret, "github");
    String sha256 = delivery.header("X-Hub-Signature-256");
    if (sha256 != null) {
      return hmac("X-Hub-Signature-256", sha256, "sha256=", SHA256_MAC, delivery.body(), lines);
    }
    String sha1 = delivery.header("X-Hub-Signature");
    if (sha1 == null) {
      return failed("X-Hub-Signature-256 missing");
    }
    if (!allowSha1) {
      return failed("SHA-1 signatures are refused (gitwatch.webhook.allow-sha1)");
    }
    return hmac("X-Hub-Signature", sha1, "sha1=", SHA1_MAC, delivery.body(), lines);
  }

  /** A shared token, not a signature. */
  private static Verification gitlab(Delivery delivery, Map<String, String> secret) {
    Verification problem = problem(secret, "gitlab");
    if (problem != null) {
      return problem;
    }
    String token = delivery.header("X-Gitlab-Token");
    if (token == null) {
      return failed("X-Gitlab-Token missing");
    }
    byte[] digest = digest(token);
    boolean matched = false;
    for (String line : lines(secret, "gitlab")) {
      matched |= MessageDigest.isEqual(digest, digest(line));
    }
    return matched ? ok() : failed("X-Gitlab-Token does not match");
  }

  /**
   * HMAC-SHA256 of the raw body in {@code X-Hub-Signature}; a line holding a hook UUID is also
   * accepted when it equals {@code X-Hook-UUID}, as a weak match, for Secrets written for Fleet.
   */
  private static Verification bitbucketCloud(Delivery delivery, Map<String, String> secret) {
    Verification problem = problem(secret, "bitbucket");
    if (problem != null) {
      return problem;
    }
    List<String> lines = lines(secret, "bitbucket");
    String signature = delivery.header("X-Hub-Signature");
    Verification signed =
        signature == null
            ? failed("X-Hub-Signature missing")
            : hmac("X-Hub-Signature", signature, "sha256=", SHA256_MAC, delivery.body(), lines);
    if (signed.verified()) {
      return signed;
    }
    List<String> hookUuids = lines.stream().filter(l -> HOOK_UUID.matcher(l).matches()).toList();
    if (hookUuids.isEmpty()) {
      return signed;
    }
    String hookUuid = delivery.header("X-Hook-UUID");
    boolean matched = false;
    if (hookUuid != null) {
      byte[] digest = digest(hookUuid.toLowerCase(Locale.ROOT));
      for (String line : hookUuids) {
        matched |= MessageDigest.isEqual(digest, digest(line.toLowerCase(Locale.ROOT)));
      }
    }
    return matched
        ? Verification.weakOk()
        : failed(signed.reason() + "; X-Hook-UUID does not match");
  }

  private static Verification bitbucketServer(Delivery delivery, Map<String, String> secret) {
    Verification problem = problem(secret, "bitbucket-server");
    if (problem != null) {
      return problem;
    }
    return hmac(
        "X-Hub-Signature",
        delivery.header("X-Hub-Signature"),
        "sha256=",
        SHA256_MAC,
        delivery.body(),
        lines(secret, "bitbucket-server"));
  }

  /** HMAC-SHA256 of the JSON payload (also in form mode), bare hex. */
  private static Verification gogs(Delivery delivery, Map<String, String> secret) {
    Verification problem = problem(secret, "gogs");
    if (problem != null) {
      return problem;
    }
    return hmac(
        "X-Gogs-Signature",
        delivery.header("X-Gogs-Signature"),
        "",
        SHA256_MAC,
        delivery.payload(),
        lines(secret, "gogs"));
  }

  /**
   * Gitea and Forgejo sign like Gogs, in their own header or Gogs'. Fleet users configured Gitea
   * under the key {@code gogs}, so that key is used when the Secret has no {@code gitea} key.
   */
  private static Verification gitea(Delivery delivery, Map<String, String> secret) {
    String key = !secret.containsKey("gitea") && secret.containsKey("gogs") ? "gogs" : "gitea";
    Verification problem = problem(secret, key);
    if (problem != null) {
      return problem;
    }
    String header = "X-Gitea-Signature";
    for (String name : List.of("X-Gitea-Signature", "X-Forgejo-Signature", "X-Gogs-Signature")) {
      if (delivery.has(name)) {
        header = name;
        break;
      }
    }
    return hmac(
        header, delivery.header(header), "", SHA256_MAC, delivery.payload(), lines(secret, key));
  }

  /**
   * Basic authentication. Lines of the two keys pair by position; a single user name line pairs
   * with every password line.
   */
  private static Verification azureDevOps(Delivery delivery, Map<String, String> secret) {
    Verification problem = problem(secret, "azure-username");
    if (problem == null) {
      problem = problem(secret, "azure-password");
    }
    if (problem != null) {
      return problem;
    }
    List<String> users = lines(secret, "azure-username");
    List<String> passwords = lines(secret, "azure-password");
    if (users.size() != 1 && users.size() != passwords.size()) {
      return failed(
          "webhook secret keys 'azure-username' and 'azure-password' have different numbers of"
              + " lines: configuration error");
    }
    String authorization = delivery.header("Authorization");
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

  /** The failure when {@code key} is absent or holds only blank lines, else null. */
  private static Verification problem(Map<String, String> secret, String key) {
    String value = secret.get(key);
    if (value == null) {
      return failed("webhook secret has no '" + key + "' key");
    }
    if (value.isBlank()) {
      return failed("webhook secret key '" + key + "' is empty: configuration error");
    }
    return null;
  }

  /** The non-blank lines of a value, stripped: {@code --from-file} leaves a trailing newline. */
  private static List<String> lines(Map<String, String> secret, String key) {
    return secret.get(key).lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
  }

  /**
   * Compares the signature in {@code header} ({@code prefix} then lowercase or uppercase hex of a
   * MAC) with the MAC of {@code data} under each line, in constant time.
   */
  private static Verification hmac(
      String header,
      String signature,
      String prefix,
      ThreadLocal<Mac> macs,
      byte[] data,
      List<String> lines) {
    if (signature == null) {
      return failed(header + " missing");
    }
    Mac mac = macs.get();
    byte[] expected = decodeHex(signature, prefix, mac.getMacLength());
    if (expected == null) {
      return failed("malformed " + header);
    }
    boolean matched = false;
    for (String line : lines) {
      matched |= MessageDigest.isEqual(expected, keyed(mac.getAlgorithm(), line).doFinal(data));
    }
    return matched ? ok() : failed(header + " does not match");
  }

  /**
   * A Mac already keyed with this secret line: keying costs about as much as the HMAC of a 1 KB
   * body, and the same few secrets sign every delivery. A Mac is reset to its key after doFinal.
   */
  private static Mac keyed(String algorithm, String line) {
    return KEYED_MACS
        .get()
        .computeIfAbsent(
            algorithm + '\n' + line,
            k -> {
              Mac keyed = mac(algorithm);
              try {
                keyed.init(new SecretKeySpec(line.getBytes(StandardCharsets.UTF_8), algorithm));
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
