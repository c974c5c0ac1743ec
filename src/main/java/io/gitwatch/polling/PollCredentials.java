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
   * The GitRepo's credentials from the Secret its admission names ({@code spec.clientSecretName},
   * else the namespace's default, as Fleet applies it), or none (anonymous) when it names none.
   * Fleet's own {@code gitcredential} is not read: it would cost every GitRepo without credentials
   * an API call per poll.
   *
   * @throws RemoteHeadsException reason CredentialsUnusable (missing or unusable Secret), or
   *     CredentialsUnavailable (the store did not answer), or a GitHub App token failure
   */
  public Credentials of(GitRepo gitRepo, Admission admission) {
    String name = admission.clientSecretName();
    if (name == null || name.isBlank()) {
      return Credentials.none();
    }
    name = name.strip();
    String secretNamespace = gitRepo.getMetadata().getNamespace();
    Optional<StoredSecret> secret;
    try {
      secret = store.storedSecret(secretNamespace, name);
    } catch (StoreUnavailable e) {
      throw new RemoteHeadsException(
          FailureReason.CREDENTIALS_UNAVAILABLE,
          "the credentials Secret " + name + " could not be read");
    }
    if (secret.isEmpty()) {
      // Fleet writes a default into the spec, so a missing one fails there as a named one does.
      throw new RemoteHeadsException(
          FailureReason.CREDENTIALS_UNUSABLE,
          "clientSecretName " + name + " does not exist in namespace " + secretNamespace);
    }
    Credentials credentials = fromSecret(name, secret.get());
    if (credentials.kind() == Credentials.Kind.SSH && credentials.knownHosts() == null) {
      String fleetWide = knownHosts();
      if (fleetWide != null) {
        return credentials.withKnownHosts(fleetWide);
      }
    }
    return credentials;
  }

  private Credentials fromSecret(String name, StoredSecret secret) {
    if (!Credentials.BASIC_AUTH.equals(secret.type())
        && !Credentials.SSH_AUTH.equals(secret.type())
        && GitHubApp.isAppSecret(secret.data())) {
      return gitHubApps.credentials(GitHubApp.fromSecret(secret.data()));
    }
    return Credentials.fromSecret(name, secret.type(), secret.data());
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
