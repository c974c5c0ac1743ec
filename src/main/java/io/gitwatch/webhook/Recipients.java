package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.RepoKey;
import io.gitwatch.gitrepo.Restrictions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The GitRepos a push goes to: those it concerns (by repository key and ref), that their
 * namespace's restrictions allow, and whose own webhook secret verifies the delivery, all decided
 * before anything is written.
 */
final class Recipients {

  private final GitRepoIndex index;
  private final WebhookSecrets secrets;
  private final Function<String, Restrictions> restrictions;

  /**
   * @param restrictions the tenant restrictions of a namespace (GitRepoStore::restrictions)
   */
  Recipients(
      GitRepoIndex index, WebhookSecrets secrets, Function<String, Restrictions> restrictions) {
    this.index = index;
    this.secrets = secrets;
    this.restrictions = restrictions;
  }

  /**
   * The GitRepos the push concerns, found by key: O(1) in the number of GitRepos. A GitRepo its
   * namespace's restrictions refuse is not one of them.
   */
  List<Target> matching(Push push) {
    Map<GitRepoId, GitRepo> candidates = new LinkedHashMap<>();
    for (String url : push.repoUrls()) {
      RepoKey.of(url)
          .ifPresent(key -> index.byRepoKey(key).forEach(g -> candidates.putIfAbsent(g.id(), g)));
    }
    List<Target> targets = new ArrayList<>();
    for (GitRepo gitRepo : candidates.values()) {
      Target.of(gitRepo, push).filter(this::allowed).ifPresent(targets::add);
    }
    return targets;
  }

  private boolean allowed(Target target) {
    return allowed(target.gitRepo());
  }

  /** Whether its namespace's restrictions let webhooks reach a GitRepo. */
  boolean allowed(GitRepo gitRepo) {
    return restrictions.apply(gitRepo.getMetadata().getNamespace()).admit(gitRepo.spec()).allowed();
  }

  /**
   * A delivery on one GitRepo's receiver URL: verified with that GitRepo's secret alone (a 401
   * {@link Rejection} when it does not verify), then the GitRepo if the push concerns it (branch
   * and tag rules) and its restrictions allow it. The payload's repository is not compared with
   * {@code spec.repo}: the URL chose the GitRepo, so mirrors work.
   */
  List<Target> verifiedFor(GitRepo gitRepo, Push push, Delivery delivery) {
    Verification v = secrets.verify(push.provider(), delivery, secrets.secretFor(gitRepo));
    if (!v.verified()) {
      throw Rejection.unauthenticated(v.reason());
    }
    return Target.of(gitRepo, push).filter(this::allowed).map(List::of).orElse(List.of());
  }

  /**
   * The matching GitRepos whose own secret verifies the delivery; a 401 {@link Rejection} when none
   * does. With no matching GitRepo the global secret decides, so a caller cannot learn which
   * repositories are configured.
   */
  List<Target> verified(Push push, Delivery delivery) {
    List<Target> targets = matching(push);
    if (targets.isEmpty()) {
      Verification global = secrets.verify(push.provider(), delivery, secrets.global());
      if (!global.verified()) {
        throw Rejection.unauthenticated(global.reason());
      }
      return List.of();
    }
    Map<WebhookSecrets.SecretRef, Verification> bySecret = new HashMap<>();
    List<Target> verified = new ArrayList<>();
    String failure = null;
    for (Target target : targets) {
      Verification v =
          bySecret.computeIfAbsent(
              secrets.secretFor(target.gitRepo()),
              ref -> secrets.verify(push.provider(), delivery, ref));
      if (v.verified()) {
        verified.add(target);
      } else if (failure == null) {
        failure = v.reason();
      }
    }
    if (verified.isEmpty()) {
      throw Rejection.unauthenticated(failure);
    }
    return verified;
  }
}
