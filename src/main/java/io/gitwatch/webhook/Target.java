package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoSpec;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A GitRepo that a push concerns, with the ref update it tracks. The update is null when the
 * GitRepo follows the remote's default branch and the payload does not say which branch that is:
 * only a poll of the remote can tell whether the push moved it.
 */
public record Target(GitRepo gitRepo, RefUpdate update) {

  private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");

  /**
   * Whether the push concerns the GitRepo: a tag push of its {@code revision} (a full SHA never
   * moves), a push of its {@code branch}, or, with neither, a push of the default branch.
   */
  public static Optional<Target> of(GitRepo gitRepo, Push push) {
    GitRepoSpec spec = gitRepo.spec();
    String revision = blankToNull(spec.getRevision());
    String branch = blankToNull(spec.getBranch());
    if (revision != null) {
      return FULL_SHA.matcher(revision).matches()
          ? Optional.empty()
          : push.updates().stream()
              .filter(u -> u.isTag(revision))
              .findFirst()
              .map(u -> new Target(gitRepo, u));
    }
    if (branch != null) {
      return push.updates().stream()
          .filter(u -> u.isBranch(branch))
          .findFirst()
          .map(u -> new Target(gitRepo, u));
    }
    if (push.defaultBranch() != null) {
      return push.updates().stream()
          .filter(u -> u.isBranch(push.defaultBranch()))
          .findFirst()
          .map(u -> new Target(gitRepo, u));
    }
    boolean movesABranch = push.updates().stream().anyMatch(u -> u.branch() != null);
    return movesABranch ? Optional.of(new Target(gitRepo, null)) : Optional.empty();
  }

  /** Whether writing this push would change the GitRepo's {@code webhookCommit}. */
  public boolean changesWebhookCommit() {
    return update != null && !update.commit().equals(gitRepo.status().getWebhookCommit());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
