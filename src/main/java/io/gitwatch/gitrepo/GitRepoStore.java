package io.gitwatch.gitrepo;

import java.util.Map;
import java.util.Optional;

/**
 * Where GitRepos and their Secrets live: a Kubernetes cluster or a directory of manifests. Each
 * store keeps the {@link GitRepoIndex} current; this is the one interface with two real
 * implementations, chosen in {@link GitRepoStores}.
 */
public interface GitRepoStore {

  /**
   * Merges the non-null fields of {@code patch} into the GitRepo's status (a JSON merge patch on
   * the status subresource); spec is never written. Conditions in the patch are merged by type into
   * the GitRepo's current list, against the stored object, never a stale copy: other writers'
   * conditions are kept as they are.
   *
   * @return false when the GitRepo no longer exists
   * @throws StoreUnavailable when the write failed after bounded retries
   */
  boolean patchStatus(GitRepo gitRepo, GitRepoStatus patch);

  /**
   * The data of a Secret, decoded to UTF-8 strings, or empty when it does not exist.
   *
   * @throws StoreUnavailable when the store cannot be read
   */
  default Optional<Map<String, String>> secret(String namespace, String name) {
    return storedSecret(namespace, name).map(StoredSecret::data);
  }

  /**
   * A Secret with its type, or empty when it does not exist: polling credentials are used only as
   * their type says.
   *
   * @throws StoreUnavailable when the store cannot be read
   */
  Optional<StoredSecret> storedSecret(String namespace, String name);

  /**
   * The data of a ConfigMap, or empty when it does not exist (Fleet's {@code known-hosts}).
   *
   * @throws StoreUnavailable when the store cannot be read
   */
  Optional<Map<String, String>> configMap(String namespace, String name);

  /**
   * Whether the GitRepos are the local user's own files (the file store), where polling a local
   * path is what they ask for; in a cluster a GitRepo's author is a tenant, not the operator.
   */
  boolean isLocal();

  /**
   * Records an event about a GitRepo for its users ({@code kubectl describe}); best effort, never
   * throws.
   *
   * @param warning true for a Warning, false for a Normal event
   */
  void recordEvent(GitRepo gitRepo, boolean warning, String reason, String message);

  /**
   * Fleet's tenant restrictions (GitRepoRestriction and Policy objects) of a namespace; {@link
   * Restrictions#NONE} where there are none.
   */
  Restrictions restrictions(String namespace);

  /** Whether the initial load of GitRepos (and of the restrictions guarding them) has completed. */
  boolean isSynced();

  /** Whether the backing store answers right now (the API server, the directory). */
  boolean isReachable();

  /**
   * Stops watching and gives up the polling Lease, before the application's other beans stop, so
   * nothing calls into them while they go; afterwards no change reaches the index. Idempotent.
   */
  void stop();
}
