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

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void verify(FuzzedDataProvider data) {
    boolean allowSha1 = data.consumeBoolean();
    Provider provider = data.pickValue(new Providers(allowSha1, null).all());
    Map<String, String> headers = new HashMap<>();
    int count = data.consumeInt(0, 3);
    for (int i = 0; i < count; i++) {
      headers.put(data.pickValue(HEADERS), data.consumeString(300));
    }
    Delivery delivery = Delivery.json(headers, data.consumeRemainingAsBytes());

    Verification verification = provider.verify(delivery, WebhookSecret.of(secret(provider)));

    assertNotNull(verification.reason());
    assertTrue(!verification.weak() || verification.verified(), verification.reason());
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
