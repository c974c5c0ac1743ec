package io.gitwatch.webhook;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gitwatch.testing.Fuzzing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Any signature, token or Authorization header, with any body, gives a {@link Verification} for
 * every provider: never an exception (which would be a 500 before the Secret is even consulted).
 * The Secret is fuzzed too: a tenant writes its own webhook Secret, and an exception from it would
 * fail the delivery for every GitRepo it matches, other tenants' included.
 */
class SignaturesFuzzTest {

  /** Every header a verifier reads. */
  private static final List<String> HEADERS =
      List.of(
          "X-Hub-Signature-256",
          "X-Hub-Signature",
          "X-Gitlab-Token",
          "X-Hook-UUID",
          "X-Gogs-Signature",
          "X-Gitea-Signature",
          "X-Forgejo-Signature",
          "Authorization");

  /** Every key a verifier reads from a webhook Secret. */
  private static final List<String> SECRET_KEYS =
      List.of(
          "github",
          "gitlab",
          "bitbucket",
          "bitbucket-server",
          "gogs",
          "gitea",
          "azure-username",
          "azure-password");

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void verify(FuzzedDataProvider data) {
    boolean allowSha1 = data.consumeBoolean();
    Provider provider = data.pickValue(new Providers(allowSha1, null).all());
    Map<String, String> headers = new HashMap<>();
    int count = data.consumeInt(0, 3);
    for (int i = 0; i < count; i++) {
      headers.put(data.pickValue(HEADERS), data.consumeString(300));
    }
    Map<String, String> secret = data.consumeBoolean() ? fuzzedSecret(data) : secret(provider);
    Delivery delivery = Delivery.json(headers, data.consumeRemainingAsBytes());

    Verification verification = provider.verify(delivery, WebhookSecret.of(secret));

    assertNotNull(verification.reason());
    assertTrue(!verification.weak() || verification.verified(), verification.reason());
  }

  /**
   * A CI trigger on a receiver URL: any {@code X-Signature}, any {@code token} a tenant wrote, any
   * body. It is checked before anything else is read, so an exception would be a 500 to anyone who
   * knows a receiver URL, which is published.
   */
  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void genericHmac(FuzzedDataProvider data) {
    Map<String, String> headers = new HashMap<>();
    if (data.consumeBoolean()) {
      String prefix = data.pickValue(List.of("sha256=", "sha512=", "sha1=", ""));
      headers.put("X-Signature", prefix + data.consumeString(200));
    }
    Map<String, String> secret = new HashMap<>();
    if (data.consumeBoolean()) {
      secret.put("token", data.consumeString(200));
    }
    Delivery delivery = Delivery.json(headers, data.consumeRemainingAsBytes());

    Verification verification = GenericHmac.verify(delivery, WebhookSecret.of(secret));

    assertNotNull(verification.reason());
    assertTrue(!verification.weak(), verification.reason());
  }

  /** A Secret with every provider's key, each holding whatever a tenant wrote (any lines). */
  private static Map<String, String> fuzzedSecret(FuzzedDataProvider data) {
    Map<String, String> secret = new HashMap<>();
    for (String key : SECRET_KEYS) {
      if (data.consumeBoolean()) {
        secret.put(key, data.consumeString(200));
      }
    }
    return secret;
  }

  /** A Secret with the provider's key; Bitbucket Cloud's also holds a hook UUID (weak match). */
  private static Map<String, String> secret(Provider provider) {
    Map<String, String> secret = new HashMap<>();
    secret.put("azure-username", "u");
    secret.put("azure-password", "p");
    if (!(provider instanceof AzureDevOps)) {
      secret.put(
          provider.secretKey(),
          provider instanceof BitbucketCloud
              ? "s3cret\n{00000000-0000-0000-0000-000000000000}\n"
              : "s3cret");
    }
    return secret;
  }
}
