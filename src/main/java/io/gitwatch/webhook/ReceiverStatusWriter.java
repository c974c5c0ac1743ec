package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoCondition;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.GitRepoStatus;
import io.gitwatch.gitrepo.GitRepoStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes a GitRepo's receiver URL where a Fleet user looks: the status condition {@code
 * WebhookReceiver} (Fleet's CRD prunes unknown status fields but keeps conditions), True with the
 * path while there is a token, False once there is none; one write per GitRepo per change.
 */
@ApplicationScoped
public class ReceiverStatusWriter {

  static final String TYPE = "WebhookReceiver";
  static final String PUBLISHED = "Published";
  static final String NO_TOKEN = "NoToken";

  @Inject GitRepoStore store;

  // The resourceVersion each GitRepo had when its condition was written: until the store shows a
  // newer version, a refresh would see the old condition and must not write it again.
  private final Map<GitRepoId, String> writtenOver = new ConcurrentHashMap<>();

  /**
   * Writes the condition for {@code digest} (empty: no URL) unless the GitRepo shows it already. A
   * GitRepo that never had a URL gets no condition at all.
   *
   * @throws io.gitwatch.gitrepo.StoreUnavailable when the write failed
   */
  void publish(GitRepo gitRepo, Optional<String> digest) {
    GitRepoCondition current = current(gitRepo.status());
    if (digest.isEmpty() && (current == null || "False".equals(current.getStatus()))) {
      return;
    }
    GitRepoCondition wanted =
        digest
            .map(d -> condition("True", PUBLISHED, "POST /hook/" + d))
            .orElseGet(
                () ->
                    condition(
                        "False",
                        NO_TOKEN,
                        "no receiver URL: the GitRepo's webhook Secret has no 'token' key"));
    if (current != null
        && wanted.getStatus().equals(current.getStatus())
        && wanted.getReason().equals(current.getReason())
        && wanted.getMessage().equals(current.getMessage())) {
      return;
    }
    String version = gitRepo.getMetadata().getResourceVersion();
    if (version != null && version.equals(writtenOver.get(gitRepo.id()))) {
      return;
    }
    var patch = new GitRepoStatus();
    patch.setConditions(List.of(wanted));
    if (store.patchStatus(gitRepo, patch)) {
      writtenOver.put(gitRepo.id(), Objects.requireNonNullElse(version, ""));
    }
  }

  void forget(GitRepoId id) {
    writtenOver.remove(id);
  }

  private static GitRepoCondition current(GitRepoStatus status) {
    List<GitRepoCondition> conditions =
        status.getConditions() == null ? List.of() : status.getConditions();
    return conditions.stream().filter(c -> TYPE.equals(c.getType())).findFirst().orElse(null);
  }

  private static GitRepoCondition condition(String status, String reason, String message) {
    var condition = new GitRepoCondition();
    condition.setType(TYPE);
    condition.setStatus(status);
    condition.setReason(reason);
    condition.setMessage(message);
    condition.setLastUpdateTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return condition;
  }
}
