package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoChanged;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.SecretChanged;
import io.gitwatch.gitrepo.StoreUnavailable;
import io.gitwatch.polling.Leadership;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The receiver URLs {@code POST /hook/<digest>} of the GitRepos whose webhook Secret has a {@code
 * token}: kept current when a GitRepo or a webhook Secret changes, and every {@code
 * gitwatch.webhook.receiver-refresh} (in a cluster Secrets are read by name, never watched); each
 * URL logged when it changes and, on the replica that polls, published on its GitRepo.
 */
@ApplicationScoped
public class Receivers {

  private static final Logger LOG = Logger.getLogger(Receivers.class.getName());

  @Inject GitRepoIndex gitRepos;
  @Inject WebhookSecrets secrets;
  @Inject ReceiverStatusWriter writer;

  @Resource ManagedThreadFactory threads;

  @Inject
  @ConfigProperty(name = "gitwatch.webhook.receiver-refresh", defaultValue = "1m")
  Duration refresh;

  private final ReceiverIndex index = new ReceiverIndex();
  private ScheduledThreadPoolExecutor work;
  volatile boolean leading;

  @PostConstruct
  void start() {
    // One thread: updates of one GitRepo apply in the order they came, and Secret reads and status
    // writes never hold an informer's or a request's thread.
    work = new ScheduledThreadPoolExecutor(1, threads);
    long period = Math.max(1, refresh.toMillis());
    work.scheduleWithFixedDelay(this::refreshAll, period, period, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    work.shutdownNow();
  }

  /**
   * The GitRepo a receiver URL belongs to, checked against its current token before it is trusted:
   * the URL of a rotated token finds nothing, even while the index still holds it.
   *
   * @throws StoreUnavailable when the GitRepo's webhook Secret cannot be read
   */
  public Optional<GitRepo> find(String digest) {
    return index
        .find(digest)
        .flatMap(gitRepos::get)
        .filter(
            gitRepo ->
                secrets.tokens(gitRepo).stream()
                    .anyMatch(token -> ReceiverIndex.digest(gitRepo.id(), token).equals(digest)));
  }

  void onChanged(@Observes GitRepoChanged change) {
    GitRepoId id = (change.current() == null ? change.previous() : change.current()).id();
    submit(() -> refresh(id));
  }

  void onSecretChanged(@Observes SecretChanged change) {
    submit(this::refreshAll);
  }

  void onLeadership(@Observes Leadership change) {
    leading = change.leading();
    if (leading) {
      submit(this::refreshAll);
    }
  }

  void refreshAll() {
    for (GitRepo gitRepo : gitRepos.all()) {
      refresh(gitRepo.id());
    }
  }

  /**
   * Brings one GitRepo's receiver URL up to date: logs it when it changed and, on the replica that
   * polls, publishes it. A Secret that cannot be read leaves the URL as it was until the next try.
   */
  void refresh(GitRepoId id) {
    try {
      Optional<GitRepo> gitRepo = gitRepos.get(id);
      Optional<String> before = index.published(id);
      if (gitRepo.isEmpty()) {
        index.remove(id);
        writer.forget(id);
        return;
      }
      index.update(id, secrets.tokens(gitRepo.get()));
      Optional<String> after = index.published(id);
      if (!before.equals(after)) {
        String who = DeliveryLog.escape(id.toString());
        LOG.info(
            after
                .map(digest -> "Receiver URL of GitRepo " + who + ": POST /hook/" + digest)
                .orElse("GitRepo " + who + " has no receiver URL: no token in its webhook Secret"));
      }
      if (leading) {
        writer.publish(gitRepo.get(), after);
      }
    } catch (StoreUnavailable e) {
      // The message may name spec.webhookSecret, which a tenant writes: escaped, like all such
      // text.
      LOG.fine(
          () ->
              "Receiver URL of "
                  + DeliveryLog.escape(id.toString())
                  + " not refreshed: "
                  + DeliveryLog.escape(e.getMessage()));
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Refreshing the receiver URL of " + DeliveryLog.escape(id.toString()) + " failed",
          e);
    }
  }

  /** The digest a GitRepo's URL is published with, as the index holds it now. */
  Optional<String> published(GitRepoId id) {
    return index.published(id);
  }

  private void submit(Runnable task) {
    try {
      work.execute(task);
    } catch (RejectedExecutionException e) {
      // stopping
    }
  }
}
