package io.gitwatch.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SignaturesTest {

  static final String SECRET = "s3cr3t-value";
  static final String OTHER = "an0ther-value";
  static final byte[] BODY =
      "{\"ref\":\"refs/heads/main\",\"after\":\"0123456789abcdef\"}"
          .getBytes(StandardCharsets.UTF_8);
  static final String HOOK_UUID = "{3f2b8a1c-7d4e-4f5a-9b6c-1e2d3c4b5a69}";

  static final GitHub GITHUB = new GitHub(false);
  static final GitHub GITHUB_SHA1 = new GitHub(true);
  static final GitLab GITLAB = new GitLab();
  static final BitbucketCloud BITBUCKET_CLOUD = new BitbucketCloud();
  static final BitbucketServer BITBUCKET_SERVER = new BitbucketServer(null);
  static final Gogs GOGS = new Gogs();
  static final Gitea GITEA = new Gitea();
  static final AzureDevOps AZURE_DEVOPS = new AzureDevOps();

  /**
   * The HMAC-signed providers: their Secret key, signature header, prefix, the bytes they sign and
   * the MAC algorithm.
   */
  record Signed(
      String name, Provider provider, String key, String header, String prefix, String algorithm) {
    @Override
    public String toString() {
      return name;
    }

    String sign(String secret, byte[] data) {
      return prefix + hmac(algorithm, secret, data);
    }

    Verification verify(String signature, Map<String, String> secret) {
      return SignaturesTest.verify(provider, delivery(Map.of(header, signature)), secret);
    }
  }

  static Stream<Signed> signed() {
    return Stream.of(
        new Signed("GitHub", GITHUB, "github", "X-Hub-Signature-256", "sha256=", "HmacSHA256"),
        new Signed(
            "Bitbucket Cloud",
            BITBUCKET_CLOUD,
            "bitbucket",
            "X-Hub-Signature",
            "sha256=",
            "HmacSHA256"),
        new Signed(
            "Bitbucket Server",
            BITBUCKET_SERVER,
            "bitbucket-server",
            "X-Hub-Signature",
            "sha256=",
            "HmacSHA256"),
        new Signed("Gogs", GOGS, "gogs", "X-Gogs-Signature", "", "HmacSHA256"),
        new Signed("Gitea", GITEA, "gitea", "X-Gitea-Signature", "", "HmacSHA256"),
        new Signed("Forgejo", GITEA, "gitea", "X-Forgejo-Signature", "", "HmacSHA256"),
        new Signed("Gitea signing as Gogs", GITEA, "gitea", "X-Gogs-Signature", "", "HmacSHA256"));
  }

  // ---- HMAC providers, table-driven ----

  @ParameterizedTest(name = "{0}: accepts the right signature")
  @MethodSource("signed")
  void acceptsTheRightSignature(Signed p) {
    Verification result = p.verify(p.sign(SECRET, BODY), Map.of(p.key(), SECRET));

    assertTrue(result.verified(), result.reason());
    assertFalse(result.weak());
  }

  @ParameterizedTest(name = "{0}: accepts uppercase hex")
  @MethodSource("signed")
  void acceptsUppercaseHex(Signed p) {
    String signature = p.sign(SECRET, BODY);
    String upper = p.prefix() + signature.substring(p.prefix().length()).toUpperCase();

    assertTrue(p.verify(upper, Map.of(p.key(), SECRET)).verified());
  }

  @ParameterizedTest(name = "{0}: rejects a signature made with another secret")
  @MethodSource("signed")
  void rejectsASignatureMadeWithAnotherSecret(Signed p) {
    Verification result = p.verify(p.sign(OTHER, BODY), Map.of(p.key(), SECRET));

    assertFalse(result.verified());
    assertEquals(p.header() + " does not match", result.reason());
  }

  @ParameterizedTest(name = "{0}: rejects a signature of another body")
  @MethodSource("signed")
  void rejectsASignatureOfAnotherBody(Signed p) {
    byte[] other = "{\"ref\":\"refs/heads/evil\"}".getBytes(StandardCharsets.UTF_8);

    assertFalse(p.verify(p.sign(SECRET, other), Map.of(p.key(), SECRET)).verified());
  }

  @ParameterizedTest(name = "{0}: rejects a delivery without the signature header")
  @MethodSource("signed")
  void rejectsADeliveryWithoutTheSignatureHeader(Signed p) {
    Verification result = verify(p.provider(), delivery(Map.of()), Map.of(p.key(), SECRET));

    assertFalse(result.verified());
    String expected = p.provider() == GITEA ? "X-Gitea-Signature missing" : p.header() + " missing";
    assertEquals(expected, result.reason());
  }

  static Stream<Arguments> malformed() {
    return signed()
        .flatMap(
            p -> {
              String good = p.sign(SECRET, BODY);
              String hex = good.substring(p.prefix().length());
              return Stream.of(
                  Arguments.of(p, "a wrong prefix", "sha1=" + hex),
                  Arguments.of(
                      p, "a signature one digit short", good.substring(0, good.length() - 1)),
                  Arguments.of(p, "a signature one digit long", good + "0"),
                  Arguments.of(p, "a non-hex digit", good.substring(0, good.length() - 1) + "g"),
                  Arguments.of(
                      p, "a non-ASCII digit", good.substring(0, good.length() - 1) + "\u0663"),
                  Arguments.of(p, "a bare prefix", "sha"),
                  Arguments.of(p, "a single character", "x"));
            });
  }

  @ParameterizedTest(name = "{0}: rejects {1} as malformed")
  @MethodSource("malformed")
  void rejectsAMalformedSignature(Signed p, String what, String signature) {
    Verification result = p.verify(signature, Map.of(p.key(), SECRET));

    assertFalse(result.verified());
    assertEquals("malformed " + p.header(), result.reason());
  }

  @ParameterizedTest(name = "{0}: rejects a Secret without its key")
  @MethodSource("signed")
  void rejectsASecretWithoutItsKey(Signed p) {
    Verification result = p.verify(p.sign(SECRET, BODY), Map.of("unrelated", SECRET));

    assertFalse(result.verified());
    assertEquals("webhook secret has no '" + p.key() + "' key", result.reason());
  }

  @ParameterizedTest(name = "{0}: treats an empty secret as a configuration error, not as no check")
  @MethodSource("signed")
  void treatsAnEmptySecretAsAConfigurationError(Signed p) {
    for (String empty : new String[] {"", " ", "\n", "\n\n  \n"}) {
      // Even a signature computed with the empty key must not pass.
      Verification result = p.verify(p.sign("", BODY), Map.of(p.key(), empty));

      assertFalse(result.verified());
      assertEquals(
          "webhook secret key '" + p.key() + "' is empty: configuration error", result.reason());
    }
  }

  @ParameterizedTest(name = "{0}: accepts a signature made with the second of two rotated secrets")
  @MethodSource("signed")
  void acceptsTheSecondOfTwoRotatedSecrets(Signed p) {
    Map<String, String> secret = Map.of(p.key(), OTHER + "\n\n" + SECRET + "\n");

    assertTrue(p.verify(p.sign(SECRET, BODY), secret).verified());
    assertTrue(p.verify(p.sign(OTHER, BODY), secret).verified());
    assertFalse(p.verify(p.sign("third", BODY), secret).verified());
  }

  @ParameterizedTest(name = "{0}: ignores CRLF and surrounding blanks in secret lines")
  @MethodSource("signed")
  void ignoresLineEndingsAndBlanksAroundSecretLines(Signed p) {
    Map<String, String> secret = Map.of(p.key(), "  " + OTHER + "\r\n" + SECRET + " \r\n");

    assertTrue(p.verify(p.sign(SECRET, BODY), secret).verified());
  }

  @ParameterizedTest(name = "{0}: never names the secret or the expected signature in a reason")
  @MethodSource("signed")
  void neverNamesTheSecretOrTheExpectedSignature(Signed p) {
    String expected = p.sign(SECRET, BODY);
    String expectedHex = expected.substring(p.prefix().length());
    Map<String, String> secret = Map.of(p.key(), SECRET);
    for (String sent :
        new String[] {p.sign(OTHER, BODY), expected.substring(1), "sha", p.sign("", BODY)}) {
      String reason = p.verify(sent, secret).reason();

      assertFalse(reason.contains(SECRET), reason);
      assertFalse(reason.contains(expectedHex), reason);
      // Nor does it echo what was sent: a reason names the header, nothing else.
      assertFalse(sent.length() > 8 && reason.contains(sent.substring(sent.length() - 8)), reason);
    }
  }

  // ---- GitHub ----

  @Test
  void refusesGitHubSha1SignaturesByDefault() {
    Delivery delivery =
        delivery(Map.of("X-Hub-Signature", "sha1=" + hmac("HmacSHA1", SECRET, BODY)));

    Verification result = verify(GITHUB, delivery, Map.of("github", SECRET));

    assertFalse(result.verified());
    assertEquals("SHA-1 signatures are refused (gitwatch.webhook.allow-sha1)", result.reason());
  }

  @Test
  void acceptsGitHubSha1SignaturesWhenAllowed() {
    Delivery right = delivery(Map.of("X-Hub-Signature", "sha1=" + hmac("HmacSHA1", SECRET, BODY)));
    Delivery wrong = delivery(Map.of("X-Hub-Signature", "sha1=" + hmac("HmacSHA1", OTHER, BODY)));
    Delivery sha256Length =
        delivery(Map.of("X-Hub-Signature", "sha1=" + hmac("HmacSHA256", SECRET, BODY)));

    assertTrue(verify(GITHUB_SHA1, right, Map.of("github", SECRET)).verified());
    assertEquals(
        "X-Hub-Signature does not match",
        verify(GITHUB_SHA1, wrong, Map.of("github", SECRET)).reason());
    assertEquals(
        "malformed X-Hub-Signature",
        verify(GITHUB_SHA1, sha256Length, Map.of("github", SECRET)).reason());
  }

  @Test
  void prefersGitHubsSha256SignatureOverTheLegacyOne() {
    Delivery delivery =
        delivery(
            Map.of(
                "X-Hub-Signature-256", "sha256=" + hmac("HmacSHA256", OTHER, BODY),
                "X-Hub-Signature", "sha1=" + hmac("HmacSHA1", SECRET, BODY)));

    Verification result = verify(GITHUB_SHA1, delivery, Map.of("github", SECRET));

    assertFalse(result.verified());
    assertEquals("X-Hub-Signature-256 does not match", result.reason());
  }

  @Test
  void verifiesAGitHubFormDeliveryOverTheRawFormBody() {
    byte[] form = form(BODY);
    Delivery signedForm =
        Delivery.form(
            Map.of("X-Hub-Signature-256", "sha256=" + hmac("HmacSHA256", SECRET, form)), form);
    Delivery signedJson =
        Delivery.form(
            Map.of("X-Hub-Signature-256", "sha256=" + hmac("HmacSHA256", SECRET, BODY)), form);

    assertTrue(verify(GITHUB, signedForm, Map.of("github", SECRET)).verified());
    assertFalse(verify(GITHUB, signedJson, Map.of("github", SECRET)).verified());
  }

  // ---- Gogs and Gitea ----

  static Stream<Signed> signingTheJsonPayload() {
    return signed().filter(p -> p.provider() == GOGS || p.provider() == GITEA);
  }

  @ParameterizedTest(name = "{0}: verifies a form delivery over the JSON payload")
  @MethodSource("signingTheJsonPayload")
  void verifiesAGogsOrGiteaFormDeliveryOverTheJsonPayload(Signed p) {
    byte[] form = form(BODY);
    Delivery signedJson = Delivery.form(Map.of(p.header(), p.sign(SECRET, BODY)), form);
    Delivery signedForm = Delivery.form(Map.of(p.header(), p.sign(SECRET, form)), form);

    Map<String, String> secret = Map.of(p.key(), SECRET);
    assertTrue(verify(p.provider(), signedJson, secret).verified());
    assertFalse(verify(p.provider(), signedForm, secret).verified());
  }

  @Test
  void verifiesGiteaWithTheGogsKeyWhenTheSecretHasNoGiteaKey() {
    Delivery delivery = delivery(Map.of("X-Gitea-Signature", hmac("HmacSHA256", SECRET, BODY)));

    assertTrue(verify(GITEA, delivery, Map.of("gogs", SECRET)).verified());
  }

  @Test
  void prefersTheGiteaKeyOverTheGogsKey() {
    Delivery delivery = delivery(Map.of("X-Gitea-Signature", hmac("HmacSHA256", SECRET, BODY)));
    Map<String, String> both = Map.of("gitea", OTHER, "gogs", SECRET);
    Map<String, String> emptyGitea = Map.of("gitea", "", "gogs", SECRET);

    assertFalse(verify(GITEA, delivery, both).verified());
    assertEquals(
        "webhook secret key 'gitea' is empty: configuration error",
        verify(GITEA, delivery, emptyGitea).reason());
  }

  @Test
  void prefersGiteasOwnSignatureHeaderOverTheGogsOne() {
    Delivery delivery =
        delivery(
            Map.of(
                "X-Gitea-Signature", hmac("HmacSHA256", OTHER, BODY),
                "X-Gogs-Signature", hmac("HmacSHA256", SECRET, BODY)));

    Verification result = verify(GITEA, delivery, Map.of("gitea", SECRET));

    assertEquals("X-Gitea-Signature does not match", result.reason());
  }

  // ---- GitLab ----

  @Test
  void acceptsTheRightGitLabToken() {
    assertTrue(gitlab(Map.of("X-Gitlab-Token", SECRET), SECRET).verified());
  }

  @Test
  void rejectsAWrongGitLabToken() {
    for (String token : new String[] {OTHER, SECRET + "x", SECRET.substring(1), "x"}) {
      Verification result = gitlab(Map.of("X-Gitlab-Token", token), SECRET);

      assertFalse(result.verified(), token);
      assertEquals("X-Gitlab-Token does not match", result.reason());
      assertFalse(result.reason().contains(SECRET));
    }
  }

  @Test
  void rejectsAGitLabDeliveryWithoutAToken() {
    assertEquals("X-Gitlab-Token missing", gitlab(Map.of(), SECRET).reason());
    assertEquals("X-Gitlab-Token missing", gitlab(Map.of("X-Gitlab-Token", " "), SECRET).reason());
  }

  @Test
  void neverAcceptsAMissingGitLabTokenForAnEmptySecret() {
    Verification result = gitlab(Map.of(), "");

    assertFalse(result.verified());
    assertEquals("webhook secret key 'gitlab' is empty: configuration error", result.reason());
  }

  @Test
  void rejectsASecretWithoutTheGitLabKey() {
    Verification result = verify(GITLAB, delivery(Map.of("X-Gitlab-Token", SECRET)), Map.of());

    assertEquals("webhook secret has no 'gitlab' key", result.reason());
  }

  @Test
  void acceptsTheSecondOfTwoRotatedGitLabTokens() {
    assertTrue(gitlab(Map.of("X-Gitlab-Token", SECRET), OTHER + "\n" + SECRET).verified());
  }

  // ---- Bitbucket Cloud's hook UUID (Fleet compatibility) ----

  @Test
  void acceptsAMatchingBitbucketHookUuidAsAWeakMatch() {
    Verification result = bitbucketCloud(Map.of("X-Hook-UUID", HOOK_UUID), HOOK_UUID);

    assertTrue(result.verified());
    assertTrue(result.weak());
  }

  @Test
  void comparesBitbucketHookUuidsIgnoringCase() {
    assertTrue(bitbucketCloud(Map.of("X-Hook-UUID", HOOK_UUID.toUpperCase()), HOOK_UUID).weak());
  }

  @Test
  void rejectsAnotherBitbucketHookUuid() {
    Verification result =
        bitbucketCloud(Map.of("X-Hook-UUID", "{00000000-0000-4000-8000-000000000000}"), HOOK_UUID);

    assertFalse(result.verified());
    assertEquals("X-Hub-Signature missing; X-Hook-UUID does not match", result.reason());
  }

  @Test
  void acceptsTheHookUuidOnlyFromALineShapedLikeOne() {
    // A plain secret is never compared with X-Hook-UUID, which anyone who sees the hook knows.
    assertFalse(bitbucketCloud(Map.of("X-Hook-UUID", SECRET), SECRET).verified());
    String unbraced = HOOK_UUID.substring(1, HOOK_UUID.length() - 1);
    assertFalse(bitbucketCloud(Map.of("X-Hook-UUID", unbraced), unbraced).verified());
  }

  @Test
  void prefersABitbucketSignatureToTheHookUuid() {
    Map<String, String> headers =
        Map.of(
            "X-Hook-UUID",
            HOOK_UUID,
            "X-Hub-Signature",
            "sha256=" + hmac("HmacSHA256", SECRET, BODY));

    Verification result = bitbucketCloud(headers, HOOK_UUID + "\n" + SECRET);

    assertTrue(result.verified());
    assertFalse(result.weak());
  }

  @Test
  void acceptsTheHookUuidWhileBitbucketSignsWithASecretNotYetConfigured() {
    Map<String, String> headers =
        Map.of(
            "X-Hook-UUID",
            HOOK_UUID,
            "X-Hub-Signature",
            "sha256=" + hmac("HmacSHA256", OTHER, BODY));

    assertTrue(bitbucketCloud(headers, HOOK_UUID).weak());
  }

  // ---- Azure DevOps ----

  @Test
  void acceptsTheRightAzureBasicAuth() {
    Verification result =
        azure(
            basic("fleet:" + SECRET), Map.of("azure-username", "fleet", "azure-password", SECRET));

    assertTrue(result.verified(), result.reason());
  }

  @Test
  void acceptsAnAzurePasswordContainingAColon() {
    Map<String, String> secret = Map.of("azure-username", "fleet", "azure-password", "a:b");

    assertTrue(azure(basic("fleet:a:b"), secret).verified());
  }

  @Test
  void rejectsWrongAzureCredentials() {
    Map<String, String> secret = Map.of("azure-username", "fleet", "azure-password", SECRET);
    for (String credentials :
        new String[] {"fleet:" + OTHER, "other:" + SECRET, "fleet:", ":" + SECRET}) {
      Verification result = azure(basic(credentials), secret);

      assertFalse(result.verified(), credentials);
      assertEquals("Authorization does not match", result.reason());
      assertFalse(result.reason().contains(SECRET));
    }
  }

  @Test
  void rejectsMalformedAzureAuthorization() {
    Map<String, String> secret = Map.of("azure-username", "fleet", "azure-password", SECRET);

    assertEquals("Authorization missing", azure(null, secret).reason());
    assertEquals("malformed Authorization: not Basic", azure("Bearer " + SECRET, secret).reason());
    assertEquals(
        "malformed Authorization: not base64", azure("Basic %%%not-base64", secret).reason());
    assertEquals(
        "malformed Authorization: no user name", azure(basic("fleet" + SECRET), secret).reason());
    assertEquals("malformed Authorization: not Basic", azure("Basic", secret).reason());
  }

  @Test
  void requiresBothAzureKeys() {
    String auth = basic("fleet:" + SECRET);

    assertEquals(
        "webhook secret has no 'azure-password' key",
        azure(auth, Map.of("azure-username", "fleet")).reason());
    assertEquals(
        "webhook secret has no 'azure-username' key",
        azure(auth, Map.of("azure-password", SECRET)).reason());
    assertEquals(
        "webhook secret key 'azure-username' is empty: configuration error",
        azure(basic(":"), Map.of("azure-username", "", "azure-password", "")).reason());
  }

  @Test
  void pairsRotatedAzureCredentialsByLine() {
    Map<String, String> secret =
        Map.of("azure-username", "old\nnew", "azure-password", OTHER + "\n" + SECRET);

    assertTrue(azure(basic("new:" + SECRET), secret).verified());
    assertTrue(azure(basic("old:" + OTHER), secret).verified());
    assertFalse(azure(basic("old:" + SECRET), secret).verified());
  }

  @Test
  void pairsASingleAzureUserNameWithEveryPassword() {
    Map<String, String> secret =
        Map.of("azure-username", "fleet", "azure-password", OTHER + "\n" + SECRET);

    assertTrue(azure(basic("fleet:" + SECRET), secret).verified());
    assertTrue(azure(basic("fleet:" + OTHER), secret).verified());
  }

  @Test
  void rejectsAzureKeysWithUnpairableLines() {
    Map<String, String> secret =
        Map.of("azure-username", "a\nb\nc", "azure-password", OTHER + "\n" + SECRET);

    Verification result = azure(basic("a:" + OTHER), secret);

    assertFalse(result.verified());
    assertTrue(result.reason().endsWith("configuration error"), result.reason());
  }

  // ---- every provider ----

  @Test
  void neverAcceptsAnEmptySecretMapForAnyProvider() {
    for (Provider provider : new Providers(true, null).all()) {
      Verification result = verify(provider, delivery(Map.of()), new HashMap<>());

      assertFalse(result.verified(), provider.label());
      assertTrue(result.reason().startsWith("webhook secret has no"), result.reason());
    }
  }

  // ---- helpers ----

  static Verification verify(Provider provider, Delivery delivery, Map<String, String> secret) {
    return provider.verify(delivery, WebhookSecret.of(secret));
  }

  static Delivery delivery(Map<String, String> headers) {
    return Delivery.json(headers, BODY);
  }

  static Verification gitlab(Map<String, String> headers, String secret) {
    return verify(GITLAB, delivery(headers), Map.of("gitlab", secret));
  }

  static Verification bitbucketCloud(Map<String, String> headers, String secret) {
    return verify(BITBUCKET_CLOUD, delivery(headers), Map.of("bitbucket", secret));
  }

  static Verification azure(String authorization, Map<String, String> secret) {
    Map<String, String> headers =
        authorization == null ? Map.of() : Map.of("Authorization", authorization);
    return verify(AZURE_DEVOPS, delivery(headers), secret);
  }

  static String basic(String credentials) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] form(byte[] json) {
    return ("payload="
            + URLEncoder.encode(new String(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
  }

  static String hmac(String algorithm, String secret, byte[] data) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      // An empty key is not a valid SecretKeySpec; sign with one zero byte, which HMAC pads alike.
      byte[] key = secret.isEmpty() ? new byte[1] : secret.getBytes(StandardCharsets.UTF_8);
      mac.init(new SecretKeySpec(key, algorithm));
      return HexFormat.of().formatHex(mac.doFinal(data));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
