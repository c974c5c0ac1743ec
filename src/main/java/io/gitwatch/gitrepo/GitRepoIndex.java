package io.gitwatch.gitrepo;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every known GitRepo, found by its canonical repository key in O(1), so a delivery costs the same
 * with ten GitRepos as with ten thousand. Fed by whichever {@link GitRepoStore} is in use.
 */
@ApplicationScoped
public class GitRepoIndex {

  @Inject Event<GitRepoChanged> changed;

  private final Map<GitRepoId, GitRepo> byId = new ConcurrentHashMap<>();
  // Values are immutable maps replaced whole, so readers never see a half-updated bucket.
  private final Map<RepoKey, Map<GitRepoId, GitRepo>> byKey = new ConcurrentHashMap<>();

  /** The GitRepos whose {@code spec.repo} has this key. */
  public Collection<GitRepo> byRepoKey(RepoKey key) {
    return byKey.getOrDefault(key, Map.of()).values();
  }

  public Optional<GitRepo> get(GitRepoId id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Optional<GitRepo> get(String namespace, String name) {
    return get(new GitRepoId(namespace, name));
  }

  public Collection<GitRepo> all() {
    return List.copyOf(byId.values());
  }

  public int size() {
    return byId.size();
  }

  /** Adds a GitRepo or replaces the previous version of it, and tells observers. */
  public void put(GitRepo gitRepo) {
    GitRepo previous = store(gitRepo);
    fire(new GitRepoChanged(previous, gitRepo));
  }

  public void remove(GitRepo gitRepo) {
    GitRepo previous = unstore(gitRepo);
    if (previous != null) {
      fire(new GitRepoChanged(previous, null));
    }
  }

  private void fire(GitRepoChanged change) {
    if (changed != null) { // null in plain tests that use the index without CDI
      changed.fire(change);
    }
  }

  private synchronized GitRepo store(GitRepo gitRepo) {
    GitRepo previous = byId.put(gitRepo.id(), gitRepo);
    Optional<RepoKey> oldKey = previous == null ? Optional.empty() : keyOf(previous);
    Optional<RepoKey> newKey = keyOf(gitRepo);
    if (!Objects.equals(oldKey, newKey)) {
      oldKey.ifPresent(k -> without(k, gitRepo.id()));
    }
    newKey.ifPresent(
        k ->
            byKey.compute(
                k,
                (key, bucket) -> {
                  var copy = new HashMap<>(bucket == null ? Map.of() : bucket);
                  copy.put(gitRepo.id(), gitRepo);
                  return Map.copyOf(copy);
                }));
    return previous;
  }

  private synchronized GitRepo unstore(GitRepo gitRepo) {
    GitRepo previous = byId.remove(gitRepo.id());
    if (previous != null) {
      keyOf(previous).ifPresent(k -> without(k, previous.id()));
    }
    return previous;
  }

  private void without(RepoKey key, GitRepoId id) {
    byKey.computeIfPresent(
        key,
        (k, bucket) -> {
          var copy = new HashMap<>(bucket);
          copy.remove(id);
          return copy.isEmpty() ? null : Map.copyOf(copy);
        });
  }

  private static Optional<RepoKey> keyOf(GitRepo gitRepo) {
    return RepoKey.of(gitRepo.spec().getRepo());
  }
}
