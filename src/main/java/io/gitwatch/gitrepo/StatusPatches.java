package io.gitwatch.gitrepo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Status writes to the API server: JSON merge patches on the status subresource, retried a bounded
 * number of times within a deadline when the server refuses them for a passing reason, so a caller
 * waiting on the write (a provider's delivery) is answered in bounded time.
 */
final class StatusPatches {

  private static final Logger LOG = Logger.getLogger(StatusPatches.class.getName());

  private final KubernetesClient client;
  private final int attempts;
  private final Duration deadline;
  private final CallDeadline calls;

  /**
   * @param attempts at most this many tries of one write
   * @param deadline no retry starts later than this after the first try (each try is bounded by the
   *     client's request timeout)
   */
  StatusPatches(KubernetesClient client, int attempts, Duration deadline, CallDeadline calls) {
    this.client = client;
    this.attempts = attempts;
    this.deadline = deadline;
    this.calls = calls;
  }

  /** See {@link GitRepoStore#patchStatus}. */
  boolean patch(GitRepo gitRepo, GitRepoStatus patch) {
    Resource<GitRepo> resource =
        client
            .resources(GitRepo.class)
            .inNamespace(gitRepo.getMetadata().getNamespace())
            .withName(gitRepo.getMetadata().getName());
    long start = System.nanoTime();
    GitRepo base = gitRepo;
    for (int attempt = 1; ; attempt++) {
      String body = body(base, patch);
      try {
        calls.call(
            "status write of " + gitRepo.id(),
            () ->
                resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), body));
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return false;
        }
        // 409 after a merge of conditions: someone wrote meanwhile, merge into that at once.
        boolean conflict = e.getCode() == 409 && patch.getConditions() != null;
        Duration pause = conflict ? Duration.ZERO : Duration.ofMillis(100L << (attempt - 1));
        boolean late = System.nanoTime() - start + pause.toNanos() > deadline.toNanos();
        if (!isTransient(e) || attempt >= attempts || late) {
          throw new StoreUnavailable(
              "status write of " + gitRepo.id() + " failed (HTTP " + e.getCode() + ")", e);
        }
        LOG.fine(() -> "Retrying status write of " + gitRepo.id() + ": HTTP " + e.getCode());
        if (conflict) {
          base = current(resource, gitRepo, calls);
          if (base == null) {
            return false;
          }
        } else {
          // A short sleep, only after the server refused: bounded by the attempts and the
          // deadline, and by the deliveries worked on at once.
          pause(pause);
        }
      }
    }
  }

  /**
   * A merge patch replaces a list whole, so conditions are merged by type into {@code base}'s and
   * sent with its resourceVersion: if anyone (Fleet) wrote the GitRepo since, the API server
   * answers 409 instead of letting a stale copy of their conditions overwrite theirs.
   */
  @SuppressWarnings("unchecked")
  private static String body(GitRepo base, GitRepoStatus patch) {
    if (patch.getConditions() == null) {
      return Serialization.asJson(Map.of("status", patch));
    }
    Map<String, Object> status =
        new HashMap<>(Serialization.unmarshal(Serialization.asJson(patch), Map.class));
    status.put(
        "conditions", GitRepoCondition.merge(base.status().getConditions(), patch.getConditions()));
    Map<String, Object> body = new HashMap<>();
    body.put("status", status);
    String resourceVersion = base.getMetadata().getResourceVersion();
    if (resourceVersion != null) {
      body.put("metadata", Map.of("resourceVersion", resourceVersion));
    }
    return Serialization.asJson(body);
  }

  private static GitRepo current(Resource<GitRepo> resource, GitRepo gitRepo, CallDeadline calls) {
    try {
      return calls.call("reading " + gitRepo.id(), resource::get);
    } catch (KubernetesClientException e) {
      throw new StoreUnavailable(
          "reading " + gitRepo.id() + " to merge its conditions failed (HTTP " + e.getCode() + ")",
          e);
    }
  }

  // 409 (a conflicting writer), 429 and 5xx pass; 0 is a connection that never got an answer.
  private static boolean isTransient(KubernetesClientException e) {
    int code = e.getCode();
    return code == 0 || code == 409 || code == 429 || code >= 500;
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailable("interrupted while retrying a status write", e);
    }
  }
}
