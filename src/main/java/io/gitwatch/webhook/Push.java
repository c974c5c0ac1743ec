package io.gitwatch.webhook;

import java.util.List;

/**
 * A parsed push, before verification: which repository (every URL form the payload names), which
 * refs moved to which commits, and the repository's default branch when the payload says it.
 *
 * @param defaultBranch the branch name (no {@code refs/heads/}), or null when the payload does not
 *     carry it
 */
public record Push(
    Provider provider,
    String event,
    String deliveryId,
    List<String> repoUrls,
    List<RefUpdate> updates,
    String defaultBranch) {

  public Push {
    repoUrls = List.copyOf(repoUrls);
    updates = List.copyOf(updates);
  }
}
