package io.gitwatch.polling;

import io.gitwatch.gitrepo.Admission;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoStore;
import io.gitwatch.gitrepo.StoreUnavailable;
import io.gitwatch.gitrepo.StoredSecret;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The credentials a GitRepo is polled with, found as Fleet finds them: the Secret {@code
 * spec.clientSecretName} in the GitRepo's namespace, used as its type says; a GitHub App Secret
 * exchanged for an installation token; SSH host keys from the Secret's {@code known_hosts}, else
 * from Fleet's {@code known-hosts} ConfigMap in {@code gitwatch.namespace}.
 */
@ApplicationScoped
public class PollCredentials {

  /** Fleet's cluster-wide SSH host keys: this ConfigMap's key {@code known_hosts}. */
  static final String KNOWN_HOSTS_CONFIG_MAP = "known-hosts";

  static final String KNOWN_HOSTS_KEY = "known_hosts";

  @Inject GitRepoStore store;

  @Inject
  @ConfigProperty(name = "gitwatch.namespace", defaultValue = "cattle-fleet-system")
  String namespace;

  @Inject
  @ConfigProperty(name = "gitwatch.github.api-url", defaultValue = "https://api.github.com")
  String gitHubApiUrl;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.timeout", defaultValue = "30s")
  Duration timeout;

  private GitHubAppTokens gitHubApps;

  /**
   * Which Secret holds a GitRepo's credentials.
   *
   * @param explicit named by the GitRepo (missing: a failure), not a default (missing: anonymous)
   */
  public record SecretName(String name, boolean explicit) {}

  @PostConstruct
  void init() {
    gitHubApps =
        new GitHubAppTokens(
            URI.create(gitHubApiUrl),
            timeout,
            Proxies.fromEnvironment(System.getenv()),
            Clock.systemUTC());
  }

  /**
   * The one place that names a GitRepo's credentials Secret: {@code spec.clientSecretName}, else
   * the {@code defaultClientSecretName} of its namespace's restriction objects (as Fleet applies
   * it), else none (anonymous). Fleet's own {@code gitcredential} is not read: it would cost every
   * GitRepo without credentials an API call per poll.
   */
  public Optional<SecretName> secretName(GitRepo gitRepo, Admission admission) {
    String named = gitRepo.spec().getClientSecretName();
    if (named != null && !named.isBlank()) {
      return Optional.of(new SecretName(named.strip(), true));
    }
    String byDefault = admission.clientSecretName();
    if (byDefault != null && !byDefault.isBlank()) {
      // Fleet writes the default into the spec, so a missing one fails there as a named one does.
      return Optional.of(new SecretName(byDefault.strip(), true));
    }
    return Optional.empty();
  }

  /**
   * @throws RemoteHeadsException reason CredentialsUnusable (missing or unusable Secret), or
   *     CredentialsUnavailable (the store did not answer), or a GitHub App token failure
   */
  public Credentials of(GitRepo gitRepo, Admission admission) {
    Optional<SecretName> name = secretName(gitRepo, admission);
    if (name.isEmpty()) {
      return Credentials.none();
    }
    SecretName secretName = name.get();
    String secretNamespace = gitRepo.getMetadata().getNamespace();
    Optional<StoredSecret> secret;
    try {
      secret = store.storedSecret(secretNamespace, secretName.name());
    } catch (StoreUnavailable e) {
      throw new RemoteHeadsException(
          FailureReason.CREDENTIALS_UNAVAILABLE,
          "the credentials Secret " + secretName.name() + " could not be read");
    }
    if (secret.isEmpty()) {
      if (secretName.explicit()) {
        throw new RemoteHeadsException(
            FailureReason.CREDENTIALS_UNUSABLE,
            "clientSecretName "
                + secretName.name()
                + " does not exist in namespace "
                + secretNamespace);
      }
      return Credentials.none();
    }
    Credentials credentials = fromSecret(secretName, secret.get());
    if (credentials.kind() == Credentials.Kind.SSH && credentials.knownHosts() == null) {
      String fleetWide = knownHosts();
      if (fleetWide != null) {
        return credentials.withKnownHosts(fleetWide);
      }
    }
    return credentials;
  }

  private Credentials fromSecret(SecretName name, StoredSecret secret) {
    if (!Credentials.BASIC_AUTH.equals(secret.type())
        && !Credentials.SSH_AUTH.equals(secret.type())
        && GitHubApp.isAppSecret(secret.data())) {
      return gitHubApps.credentials(GitHubApp.fromSecret(secret.data()));
    }
    try {
      return Credentials.fromSecret(name.name(), secret.type(), secret.data());
    } catch (RemoteHeadsException e) {
      if (!name.explicit() && e.reason() == FailureReason.CREDENTIALS_UNUSABLE) {
        // Fleet sends nothing for a default Secret it cannot use, and neither do we.
        return Credentials.none();
      }
      throw e;
    }
  }

  /** Fleet's {@code known-hosts} ConfigMap, or null when there is none or it is empty. */
  private String knownHosts() {
    try {
      return store
          .configMap(namespace, KNOWN_HOSTS_CONFIG_MAP)
          .map(data -> data.get(KNOWN_HOSTS_KEY))
          .filter(text -> !text.isBlank())
          .orElse(null);
    } catch (StoreUnavailable e) {
      throw new RemoteHeadsException(
          FailureReason.CREDENTIALS_UNAVAILABLE,
          "the ConfigMap "
              + namespace
              + "/"
              + KNOWN_HOSTS_CONFIG_MAP
              + " (SSH host keys) could not be read");
    }
  }
}
