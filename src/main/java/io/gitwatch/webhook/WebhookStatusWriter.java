package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepoStatus;
import io.gitwatch.gitrepo.GitRepoStore;
import io.gitwatch.gitrepo.StoreUnavailable;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes what the webhook owns, {@code status.webhookCommit} and {@code status.lastWebhookTime}:
 * one merge patch per GitRepo whose webhook commit changes, none when it is already current.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class WebhookStatusWriter {

  @Inject GitRepoStore store;
  @Inject WebhookWriteOrder order;

  /**
   * Writes a verified push's commit to its targets, on the request thread: a failed write fails the
   * delivery (503) so that the provider redelivers.
   *
   * @return the ids of the GitRepos written
   */
  public List<String> write(List<Target> targets) {
    long sequence = order.next();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    List<String> updated = new ArrayList<>();
    for (Target target : targets) {
      if (!target.changesWebhookCommit()) {
        continue;
      }
      var patch = new GitRepoStatus();
      patch.setWebhookCommit(target.update().commit());
      patch.setLastWebhookTime(now);
      try {
        if (order.write(
            target.gitRepo().id(), sequence, () -> store.patchStatus(target.gitRepo(), patch))) {
          updated.add(target.gitRepo().id().toString());
        }
      } catch (StoreUnavailable e) {
        throw Rejection.storeUnavailable();
      }
    }
    return updated;
  }
}
