package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoStatus;
import io.gitwatch.gitrepo.GitRepoStore;
import io.gitwatch.gitrepo.StoreUnavailable;
import io.gitwatch.webhook.WebhookWriteOrder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Sets {@code webhookCommit} to what the remote said once a follow-up has its answer, in the order
 * of the webhook's own writes, so the remote has the last word without undoing a newer push.
 */
@ApplicationScoped
public class Realignment {

  private static final Logger LOG = Logger.getLogger(Realignment.class.getName());

  @Inject GitRepoIndex index;
  @Inject GitRepoStore store;
  @Inject WebhookWriteOrder webhookWrites;

  /**
   * Sets {@code webhookCommit} to the remote's {@code head} unless it is there already, or a
   * delivery verified after the remote was {@code asked} has written it since (its push may be
   * newer than the answer).
   *
   * @return false when the write failed
   */
  boolean realign(GitRepoId id, String head, long asked) {
    if (head == null || index.get(id).isEmpty()) {
      return true;
    }
    try {
      webhookWrites.write(id, asked, () -> writeWebhookCommit(id, head));
      return true;
    } catch (StoreUnavailable e) {
      LOG.info(
          () -> "Could not realign webhookCommit of " + id + ", trying again: " + e.getMessage());
      return false;
    }
  }

  /**
   * As {@link #realign}, for a {@code pushed} commit the remote did not show within {@code waited}:
   * also records the Warning Event that says so.
   */
  boolean realignNotVisible(GitRepoId id, String head, long asked, String pushed, Duration waited) {
    GitRepo gitRepo = index.get(id).orElse(null);
    if (head != null && gitRepo != null) {
      store.recordEvent(
          gitRepo,
          true,
          "WebhookCommitNotVisible",
          "webhook commit "
              + pushed
              + " not visible at the remote after "
              + waited.toSeconds()
              + "s; webhookCommit set to the remote's "
              + head);
    }
    return realign(id, head, asked);
  }

  /** Under the webhook write order, so the GitRepo read is the one the last delivery wrote. */
  private boolean writeWebhookCommit(GitRepoId id, String head) {
    GitRepo latest = index.get(id).orElse(null);
    if (latest == null) {
      return false;
    }
    String current = latest.status().getWebhookCommit();
    if (current != null && !current.equalsIgnoreCase(head)) {
      var patch = new GitRepoStatus();
      patch.setWebhookCommit(head);
      store.patchStatus(latest, patch);
    }
    return true;
  }
}
