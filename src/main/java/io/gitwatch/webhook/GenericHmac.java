package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoStore;
import io.gitwatch.polling.PollingInterval;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The receiver for CI systems (Flux's {@code generic-hmac}): a POST on a GitRepo's receiver URL
 * without provider headers, signed {@code X-Signature: sha256=<hex>} (or {@code sha512=}) with an
 * HMAC of the raw body keyed with the token. It asks for a poll of that GitRepo now; nothing in the
 * body is trusted, so any content type and an empty body will do.
 */
@ApplicationScoped
public class GenericHmac {

  static final String SIGNATURE = "X-Signature";

  @Inject WebhookSecrets secrets;
  @Inject GitRepoStore store;
  @Inject Event<Triggered> triggered;

  /**
   * Verifies a trigger on a GitRepo's receiver URL (a 401 {@link Rejection} when it does not
   * verify), then asks for a poll of the GitRepo now, unless its namespace's restrictions or its
   * {@code gitwatch.io/polling} annotation keep it from being polled.
   *
   * @return the ids of the GitRepos whose poll was asked for
   */
  List<String> trigger(GitRepo gitRepo, Delivery delivery) {
    Verification verification =
        secrets
            .of(gitRepo)
            .map(secret -> verify(delivery, secret))
            .orElseGet(() -> Verification.failed("webhook secret does not exist"));
    if (!verification.verified()) {
      throw Rejection.unauthenticated(verification.reason());
    }
    boolean allowed =
        store.restrictions(gitRepo.getMetadata().getNamespace()).admit(gitRepo.spec()).allowed();
    if (!allowed || !PollingInterval.contactsRemote(gitRepo)) {
      return List.of();
    }
    triggered.fire(new Triggered(gitRepo));
    return List.of(gitRepo.id().toString());
  }

  /** Whether a delivery that no provider's headers claim is a generic-hmac trigger. */
  static boolean sentBy(Delivery delivery) {
    return delivery.headers().containsKey(SIGNATURE);
  }

  /**
   * Checks {@code X-Signature} against every line of the secret's {@code token} key, in constant
   * time; a missing, empty or malformed signature does not verify.
   */
  static Verification verify(Delivery delivery, WebhookSecret secret) {
    return secret.check(WebhookSecrets.TOKEN, tokens -> verify(delivery, tokens));
  }

  private static Verification verify(Delivery delivery, List<WebhookSecret.Line> tokens) {
    String signature = delivery.header(SIGNATURE);
    if (signature != null && signature.startsWith("sha512=")) {
      return Signatures.hmac(
          SIGNATURE, signature, "sha512=", Signatures.Hmac.SHA512, delivery.body(), tokens);
    }
    return Signatures.hmac(
        SIGNATURE, signature, "sha256=", Signatures.Hmac.SHA256, delivery.body(), tokens);
  }
}
