package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepoStatus;
import io.gitwatch.gitrepo.GitRepoStore;
import io.gitwatch.gitrepo.StoreUnavailable;
import jakarta.annotation.Priority;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Writes what the webhook owns, {@code status.webhookCommit} and {@code status.lastWebhookTime}:
 * one merge patch per GitRepo whose webhook commit changes, none when it is already current.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class WebhookStatusWriter {

  @Inject GitRepoStore store;
  @Inject WebhookWriteOrder order;

  // Runs on the request thread before other observers: a failed write must fail the delivery (503).
  public void onPushed(@Observes @Priority(100) Pushed pushed) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    for (Target target : pushed.targets()) {
      if (!target.changesWebhookCommit()) {
        continue;
      }
      var patch = new GitRepoStatus();
      patch.setWebhookCommit(target.update().commit());
      patch.setLastWebhookTime(now);
      try {
        if (order.write(
            target.gitRepo().id(),
            pushed.sequence(),
            () -> store.patchStatus(target.gitRepo(), patch))) {
          pushed.recordUpdate(target);
        }
      } catch (StoreUnavailable e) {
        throw new Rejection(
            Rejection.Reason.STORE_UNAVAILABLE,
            "the GitRepo store is unavailable; redeliver later");
      }
    }
  }
}
