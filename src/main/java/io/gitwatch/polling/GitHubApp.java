package io.gitwatch.polling;

import jakarta.json.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * A GitHub App installation as Fleet (0.14 and later) reads it from a credentials Secret: {@code
 * github_app_id}, {@code github_app_installation_id} and {@code github_app_private_key} (an RSA key
 * in PEM, PKCS#1 or PKCS#8). It signs the app's JSON Web Tokens; {@link GitHubAppTokens} exchanges
 * them for installation tokens. {@link #toString()} shows no key.
 *
 * @param pem the private key, parsed only to sign: a poll that finds a current token costs none
 * @param fingerprint SHA-256 of the ids and the key: equal only for the very same credentials
 */
record GitHubApp(long appId, long installationId, String pem, String fingerprint) {

  static final String APP_ID = "github_app_id";
  static final String INSTALLATION_ID = "github_app_installation_id";
  static final String PRIVATE_KEY = "github_app_private_key";

  /** GitHub allows 10 minutes and advises to backdate 60 s against clock drift. */
  static final Duration BACKDATE = Duration.ofSeconds(60);

  static final Duration LIFETIME = Duration.ofMinutes(9);

  /** Whether a Secret is meant as a GitHub App's, as Fleet decides it: all three keys non-empty. */
  static boolean isAppSecret(Map<String, String> data) {
    return nonEmpty(data.get(APP_ID))
        && nonEmpty(data.get(INSTALLATION_ID))
        && nonEmpty(data.get(PRIVATE_KEY));
  }

  /**
   * @throws RemoteHeadsException reason CredentialsUnusable, naming the key that is wrong but never
   *     quoting a value
   */
  static GitHubApp fromSecret(Map<String, String> data) {
    long appId = id(data.get(APP_ID), APP_ID);
    long installationId = id(data.get(INSTALLATION_ID), INSTALLATION_ID);
    String pem = data.get(PRIVATE_KEY);
    return new GitHubApp(appId, installationId, pem, fingerprint(appId, installationId, pem));
  }

  /**
   * The app's JWT (RS256): issued 60 s ago, for 9 minutes, by the app.
   *
   * @throws RemoteHeadsException reason CredentialsUnusable when the key is not an RSA private key,
   *     never quoting it
   */
  String jwt(Instant now) {
    PrivateKey key = rsaKey(pem);
    String header =
        Json.createObjectBuilder().add("alg", "RS256").add("typ", "JWT").build().toString();
    String claims =
        Json.createObjectBuilder()
            .add("iat", now.minus(BACKDATE).getEpochSecond())
            .add("exp", now.plus(LIFETIME).getEpochSecond())
            .add("iss", String.valueOf(appId))
            .build()
            .toString();
    String signed = base64Url(header) + "." + base64Url(claims);
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key);
      rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new RemoteHeadsException(
          FailureReason.CREDENTIALS_UNUSABLE,
          PRIVATE_KEY + " cannot sign (" + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public String toString() {
    return "GitHubApp[appId=" + appId + ", installationId=" + installationId + "]";
  }

  private static long id(String value, String key) {
    try {
      long id = Long.parseLong(value.strip());
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException | NullPointerException e) {
      // fall through
    }
    throw new RemoteHeadsException(
        FailureReason.CREDENTIALS_UNUSABLE, "the GitHub App Secret's " + key + " is not a number");
  }

  private static PrivateKey rsaKey(String pem) {
    try {
      Iterable<KeyPair> keys =
          SecurityUtils.loadKeyPairIdentities(
              null,
              NamedResource.ofName(PRIVATE_KEY),
              new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)),
              null);
      Iterator<KeyPair> found = keys == null ? null : keys.iterator();
      if (found != null && found.hasNext()) {
        PrivateKey key = found.next().getPrivate();
        if (key instanceof RSAPrivateKey) {
          return key;
        }
      }
    } catch (Exception e) {
      // The parser's message might quote the key: say what is wrong without it.
    }
    throw new RemoteHeadsException(
        FailureReason.CREDENTIALS_UNUSABLE,
        "the GitHub App Secret's "
            + PRIVATE_KEY
            + " is not an RSA private key in PEM (PKCS#1 or PKCS#8)");
  }

  private static String fingerprint(long appId, long installationId, String pem) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update((appId + "/" + installationId + "/").getBytes(StandardCharsets.UTF_8));
      sha256.update(pem.strip().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha256.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64Url(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean nonEmpty(String value) {
    return value != null && !value.isBlank();
  }
}
