package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoChanged;
import io.gitwatch.gitrepo.GitRepoStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Finds the webhook secret that applies to a GitRepo, Fleet's way: the GitRepo's own {@code
 * spec.webhookSecret} in its namespace, which replaces the global {@code gitjob-webhook} in {@code
 * gitwatch.namespace}; and verifies a delivery against it.
 */
@ApplicationScoped
public class WebhookSecrets {

  static final String GLOBAL = "gitjob-webhook";

  /** The key whose lines are a GitRepo's receiver tokens (Flux's name). */
  static final String TOKEN = "token";

  private static final Logger LOG = Logger.getLogger(WebhookSecrets.class.getName());

  @Inject GitRepoStore store;

  @Inject
  @ConfigProperty(name = "gitwatch.namespace", defaultValue = "cattle-fleet-system")
  String namespace;

  @Inject
  @ConfigProperty(name = "gitwatch.webhook.allow-unauthenticated", defaultValue = "false")
  boolean allowUnauthenticated;

  private final AtomicBoolean weakLogged = new AtomicBoolean();
  // One entry per Secret that a GitRepo names (or the global one): bounded by the GitRepos.
  private final Map<SecretRef, WebhookSecret> parsed = new ConcurrentHashMap<>();

  /**
   * Which Secret applies to a GitRepo ({@code namespace/name}); the global one when it names none.
   */
  public SecretRef secretFor(GitRepo gitRepo) {
    String own = gitRepo.spec().getWebhookSecret();
    return own == null || own.isBlank()
        ? global()
        : new SecretRef(gitRepo.getMetadata().getNamespace(), own.trim(), true);
  }

  public SecretRef global() {
    return new SecretRef(namespace, GLOBAL, false);
  }

  /** Verifies a delivery with one Secret. */
  public Verification verify(Provider provider, Delivery delivery, SecretRef ref) {
    Optional<Map<String, String>> data = store.secret(ref.namespace(), ref.name());
    if (data.isEmpty()) {
      parsed.remove(ref);
      if (ref.named()) {
        return Verification.failed("webhook secret " + ref + " does not exist");
      }
      if (allowUnauthenticated) {
        LOG.warning(
            "Accepting an unauthenticated webhook: no Secret "
                + DeliveryLog.escape(ref.toString())
                + " (gitwatch.webhook.allow-unauthenticated=true)");
        return Verification.ok();
      }
      return Verification.failed("no webhook secret configured (Secret " + ref + ")");
    }
    Verification verification = provider.verify(delivery, parsed(ref, data.get()));
    if (verification.weak() && weakLogged.compareAndSet(false, true)) {
      LOG.warning(
          "A Bitbucket Cloud webhook was verified by its X-Hook-UUID, which is not a secret: set a"
              + " webhook secret in Bitbucket and put it under the 'bitbucket' key of "
              + DeliveryLog.escape(ref.toString()));
    }
    return verification;
  }

  /**
   * The webhook Secret that applies to a GitRepo, parsed; empty when it does not exist.
   *
   * @throws io.gitwatch.gitrepo.StoreUnavailable when the store cannot be read
   */
  Optional<WebhookSecret> of(GitRepo gitRepo) {
    SecretRef ref = secretFor(gitRepo);
    Optional<Map<String, String>> data = store.secret(ref.namespace(), ref.name());
    if (data.isEmpty()) {
      parsed.remove(ref);
      return Optional.empty();
    }
    return Optional.of(parsed(ref, data.get()));
  }

  /** A GitRepo's receiver tokens: the lines of its webhook Secret's {@code token} key. */
  List<String> tokens(GitRepo gitRepo) {
    return of(gitRepo)
        .map(secret -> secret.lines(TOKEN).stream().map(WebhookSecret.Line::value).toList())
        .orElse(List.of());
  }

  /**
   * The Secret's data split into its secrets, once per version of the Secret: the store hands out
   * the same data until it reads the Secret again, and equal data keeps its parsed secrets.
   */
  WebhookSecret parsed(SecretRef ref, Map<String, String> data) {
    WebhookSecret cached = parsed.get(ref);
    WebhookSecret current = cached == null ? WebhookSecret.of(data) : cached.forData(data);
    if (current != cached) {
      parsed.put(ref, current);
    }
    return current;
  }

  /** Forgets the Secret a GitRepo named once the GitRepo is gone or names another. */
  void onChanged(@Observes GitRepoChanged change) {
    if (change.previous() == null) {
      return;
    }
    SecretRef previous = secretFor(change.previous());
    if (change.current() == null || !previous.equals(secretFor(change.current()))) {
      parsed.remove(previous);
    }
  }

  /**
   * A webhook Secret's place; {@code named} when a GitRepo names it in {@code spec.webhookSecret}.
   */
  public record SecretRef(String namespace, String name, boolean named) {
    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }
}
