package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.gitwatch.testing.LoopbackGitServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitHub App credentials against a loopback stand-in of GitHub's {@code POST
 * /app/installations/<id>/access_tokens}: it checks the JWT's RS256 signature with the app's public
 * key and its claims, as GitHub does, and hands out tokens that a loopback git server accepts.
 */
class GitHubAppTokensTest {

  private static final long APP_ID = 123456;
  private static final long INSTALLATION_ID = 987654;

  private static KeyPair appKey;

  @TempDir Path root;

  private HttpServer gitHub;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> issued = new ArrayList<>();
  private volatile int status = 201;
  private volatile Instant now = Instant.parse("2026-11-30T12:00:00Z");
  private volatile String failure;

  @BeforeAll
  static void appKey() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    appKey = rsa.generateKeyPair();
  }

  @BeforeEach
  void startGitHub() throws IOException {
    gitHub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    gitHub.createContext(
        "/api/v3/app/installations/",
        exchange -> {
          requests.incrementAndGet();
          String problem =
              check(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body;
          int code;
          if (problem != null) {
            failure = problem;
            code = 401;
            body =
                "{\"message\":\"A JSON web token could not be decoded\"}"
                    .getBytes(StandardCharsets.UTF_8);
          } else if (status != 201) {
            code = status;
            body = "{\"message\":\"ghs_leaked_in_an_error\"}".getBytes(StandardCharsets.UTF_8);
          } else {
            code = 201;
            String token = "ghs_token" + requests.get();
            synchronized (issued) {
              issued.add(token);
            }
            body =
                Json.createObjectBuilder()
                    .add("token", token)
                    .add("expires_at", now.plus(Duration.ofHours(1)).toString())
                    .build()
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
          }
          exchange.sendResponseHeaders(code, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    gitHub.start();
  }

  @AfterEach
  void stopGitHub() {
    gitHub.stop(0);
  }

  /**
   * What GitHub checks: the path, RS256 with the app's key, iss, iat in the past, exp within 10
   * min.
   */
  private String check(String method, String path, String authorization) {
    if (!method.equals("POST")
        || !path.equals("/api/v3/app/installations/" + INSTALLATION_ID + "/access_tokens")) {
      return "wrong request " + method + " " + path;
    }
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return "no bearer token";
    }
    String[] jwt = authorization.substring("Bearer ".length()).split("\\.");
    if (jwt.length != 3) {
      return "not a JWT";
    }
    try {
      JsonObject header = json(jwt[0]);
      JsonObject claims = json(jwt[1]);
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(appKey.getPublic());
      rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rs256.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
        return "bad signature";
      }
      long iat = claims.getJsonNumber("iat").longValue();
      long exp = claims.getJsonNumber("exp").longValue();
      if (!header.getString("alg").equals("RS256")
          || !claims.getString("iss").equals(String.valueOf(APP_ID))
          || iat > now.getEpochSecond() - 30
          || exp <= now.getEpochSecond()
          || exp - iat > 600) {
        return "bad claims " + header + " " + claims;
      }
      return null;
    } catch (Exception e) {
      return "unreadable JWT: " + e;
    }
  }

  private static JsonObject json(String base64Url) {
    return Json.createReader(
            new StringReader(
                new String(Base64.getUrlDecoder().decode(base64Url), StandardCharsets.UTF_8)))
        .readObject();
  }

  private GitHubAppTokens tokens() {
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now;
          }
        };
    return new GitHubAppTokens(
        URI.create("http://127.0.0.1:" + gitHub.getAddress().getPort() + "/api/v3"),
        Duration.ofSeconds(5),
        Proxies.none(),
        clock);
  }

  private static Map<String, String> secret(String pem) {
    return Map.of(
        GitHubApp.APP_ID, String.valueOf(APP_ID),
        GitHubApp.INSTALLATION_ID, String.valueOf(INSTALLATION_ID),
        GitHubApp.PRIVATE_KEY, pem);
  }

  @Test
  void exchangesASignedJwtForAnInstallationTokenAndPollsWithIt() {
    String pem = pkcs8(appKey);
    Credentials credentials = tokens().credentials(GitHubApp.fromSecret(secret(pem)));
    assertThat(failure).isNull();
    assertThat(credentials.username()).isEqualTo("x-access-token");
    assertThat(credentials.password()).isEqualTo(issued.get(0));

    try (LoopbackGitServer git = LoopbackGitServer.start(root)) {
      git.createRepository("private");
      String head = git.commit("private", "main");
      git.requireBasicAuth("private", "x-access-token", issued.get(0));
      assertThat(
              new RemoteHeads(Duration.ofSeconds(10))
                  .resolve(EgressPolicyTest.spec(git.url("private")), credentials)
                  .commit())
          .isEqualTo(head);
    }
  }

  @Test
  void acceptsAPkcs1Key() throws Exception {
    tokens().credentials(GitHubApp.fromSecret(secret(rsaPrivateKeyPem(appKey))));
    assertThat(failure).isNull();
    assertThat(issued).hasSize(1);
  }

  @Test
  void reusesATokenUntilShortlyBeforeItExpires() throws Exception {
    GitHubAppTokens tokens = tokens();
    GitHubApp app = GitHubApp.fromSecret(secret(pkcs8(appKey)));
    String first = tokens.credentials(app).password();
    now = now.plus(Duration.ofMinutes(50));
    assertThat(tokens.credentials(app).password()).isEqualTo(first);
    assertThat(requests).hasValue(1);
    now = now.plus(Duration.ofMinutes(6)); // 4 minutes left: renewed
    assertThat(tokens.credentials(app).password()).isNotEqualTo(first);
    assertThat(requests).hasValue(2);
    assertThat(failure).isNull();
  }

  @Test
  void anotherKeyForTheSameAppGetsNoCachedToken() throws Exception {
    GitHubAppTokens tokens = tokens();
    tokens.credentials(GitHubApp.fromSecret(secret(pkcs8(appKey))));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    GitHubApp impostor = GitHubApp.fromSecret(secret(pkcs8(rsa.generateKeyPair())));
    assertThatThrownBy(() -> tokens.credentials(impostor))
        .isInstanceOf(RemoteHeadsException.class)
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.AUTHENTICATION_FAILED);
    assertThat(failure).isEqualTo("bad signature");
  }

  @Test
  void aRefusedRequestIsAClearFailureWithoutTokenOrKey() throws Exception {
    status = 404;
    String pem = pkcs8(appKey);
    assertThatThrownBy(() -> tokens().credentials(GitHubApp.fromSecret(secret(pem))))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("GitHub App 123456, installation 987654")
        .hasMessageContaining("HTTP 404")
        .hasMessageNotContaining("ghs_")
        .hasMessageNotContaining("PRIVATE KEY")
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.AUTHENTICATION_FAILED);
  }

  @Test
  void anUnreachableApiIsCannotConnect() throws Exception {
    GitHubAppTokens tokens = tokens();
    gitHub.stop(0);
    GitHubApp app = GitHubApp.fromSecret(secret(pkcs8(appKey)));
    assertThatThrownBy(() -> tokens.credentials(app))
        .isInstanceOf(RemoteHeadsException.class)
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.CANNOT_CONNECT);
  }

  @Test
  void refusesSecretsThatAreNotAnAppsWithoutQuotingThem() {
    assertThat(GitHubApp.isAppSecret(Map.of(GitHubApp.APP_ID, "1"))).isFalse();
    assertThat(GitHubApp.isAppSecret(secret("x"))).isTrue();
    GitHubApp unusableKey =
        GitHubApp.fromSecret(
            secret("-----BEGIN RSA PRIVATE KEY-----\nbm9wZQ==\n-----END RSA PRIVATE KEY-----"));
    assertThatThrownBy(() -> tokens().credentials(unusableKey))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("github_app_private_key is not an RSA private key")
        .hasMessageNotContaining("bm9wZQ")
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.CREDENTIALS_UNUSABLE);
    assertThat(requests).as("nothing is sent for a key that cannot sign").hasValue(0);
    assertThatThrownBy(
            () ->
                GitHubApp.fromSecret(
                    Map.of(
                        GitHubApp.APP_ID, "my-app",
                        GitHubApp.INSTALLATION_ID, "1",
                        GitHubApp.PRIVATE_KEY, "k")))
        .hasMessageContaining("github_app_id is not a number");
    assertThat(GitHubApp.fromSecret(secret(pkcs8Unchecked())).toString()).doesNotContain("PRIVATE");
  }

  private static String pkcs8Unchecked() {
    try {
      return pkcs8(appKey);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String pkcs8(KeyPair key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** PKCS#1 ("BEGIN RSA PRIVATE KEY"), the form GitHub hands out: the PKCS#8 wrapper taken off. */
  static String rsaPrivateKeyPem(KeyPair key) {
    byte[] pkcs8 = key.getPrivate().getEncoded();
    // PKCS#8: SEQUENCE { INTEGER 0, SEQUENCE { OID rsaEncryption, NULL }, OCTET STRING pkcs1 }
    int i = 0;
    i = skipHeader(pkcs8, i); // outer SEQUENCE
    i = skip(pkcs8, i); // version
    i = skip(pkcs8, i); // algorithm
    int start = skipHeader(pkcs8, i); // the OCTET STRING's content
    byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, start, pkcs8.length);
    return "-----BEGIN RSA PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs1)
        + "\n-----END RSA PRIVATE KEY-----\n";
  }

  private static int skipHeader(byte[] der, int at) {
    int length = der[at + 1] & 0xff;
    return at + 2 + ((length & 0x80) != 0 ? length & 0x7f : 0);
  }

  private static int skip(byte[] der, int at) {
    int first = der[at + 1] & 0xff;
    int header = 2;
    int length = first;
    if ((first & 0x80) != 0) {
      int n = first & 0x7f;
      length = 0;
      for (int k = 0; k < n; k++) {
        length = length << 8 | (der[at + 2 + k] & 0xff);
      }
      header += n;
    }
    return at + header + length;
  }
}
