package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoChanged;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoStatus;
import io.gitwatch.gitrepo.RepoKey;
import io.gitwatch.webhook.Pushed;
import io.gitwatch.webhook.Target;
import io.gitwatch.webhook.Triggered;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * After a verified webhook the remote decides (Fleet parity): the GitRepos a push concerns are
 * polled at once, off the request thread, and again every {@code gitwatch.webhook.propagation-poll}
 * until the remote shows the pushed commit, or {@code gitwatch.webhook.propagation-timeout} passes;
 * then a Warning Event {@code WebhookCommitNotVisible} is recorded and {@code webhookCommit} is set
 * to what the remote says, so a replayed or lost push cannot hold it on a commit the remote never
 * showed.
 *
 * <p>Per repository there is one round of polls in flight and at most one more queued, however many
 * deliveries arrive; a round polls each waiting GitRepo once, sharing one ls-remote among those of
 * one repository and credentials. Rounds run on a small pool of their own, so a burst of webhooks
 * starves neither request threads nor scheduled polls. A delivery that changes nothing (its commit
 * is already {@code webhookCommit} and {@code commit}) costs no poll at all.
 */
@ApplicationScoped
public class AfterWebhook {

  private static final Logger LOG = Logger.getLogger(AfterWebhook.class.getName());
  // A round that finds its repository's ls-remote in flight comes back for the shared answer.
  private static final Duration BUSY_RETRY = Duration.ofMillis(250);

  @Inject Poller poller;
  @Inject GitRepoIndex index;
  @Inject MetricRegistry metrics;
  @Inject Realignment realignment;

  @Resource ManagedThreadFactory threads;

  @Inject
  @ConfigProperty(name = "gitwatch.webhook.propagation-poll", defaultValue = "2s")
  Duration propagationPoll;

  @Inject
  @ConfigProperty(name = "gitwatch.webhook.propagation-timeout", defaultValue = "30s")
  Duration propagationTimeout;

  @Inject
  @ConfigProperty(name = "gitwatch.webhook.max-concurrent-polls", defaultValue = "4")
  int maxConcurrentPolls;

  private ScheduledThreadPoolExecutor rounds;
  private final Map<String, Follow> follows = new ConcurrentHashMap<>();
  private final Map<GitRepoId, Landed> landed = new ConcurrentHashMap<>();

  /** A GitRepo to follow until its remote shows {@code commit} (null: any answer will do). */
  private record Expected(GitRepo gitRepo, String commit) {}

  /** A GitRepo waiting for its remote to show {@code expected} (null: any answer will do). */
  private record Waiting(String expected, long deadlineNanos) {}

  /** A pushed commit a follow-up wrote, watched for being overwritten until {@code untilNanos}. */
  private record Landed(String commit, long untilNanos) {}

  /** One repository's GitRepos waiting for the remote, and whether a round is running or due. */
  private static final class Follow {
    final Map<GitRepoId, Waiting> waiting = new LinkedHashMap<>();
    boolean running;
    boolean again;
    // Its last round ended and it left the map: a delivery that still found it looks again.
    boolean ended;
  }

  @PostConstruct
  void init() {
    rounds = new ScheduledThreadPoolExecutor(maxConcurrentPolls, threads);
    rounds.setRemoveOnCancelPolicy(true);
    metrics.counter("gitwatch_webhook_polls_skipped");
    metrics.counter("gitwatch_webhook_commit_not_visible");
    metrics.counter("gitwatch_webhook_commit_overwritten");
  }

  @PreDestroy
  void stop() {
    rounds.shutdownNow();
  }

  /** Runs on the request thread after the status writes: it only queues. */
  public void onPushed(@Observes Pushed pushed) {
    List<Expected> toFollow = new ArrayList<>();
    for (Target target : pushed.targets()) {
      String commit = target.update() == null ? null : target.update().commit();
      if (changesNothing(target.gitRepo().status(), commit)) {
        metrics.counter("gitwatch_webhook_polls_skipped").inc();
      } else {
        toFollow.add(new Expected(target.gitRepo(), commit));
      }
    }
    follow(toFollow);
  }

  /**
   * A CI trigger on a receiver URL: a round with no expected commit, so the first answer of the
   * remote is written and the GitRepo waits no more.
   */
  public void onTriggered(@Observes Triggered triggered) {
    follow(List.of(new Expected(triggered.gitRepo(), null)));
  }

  /**
   * For a propagation wait after a follow-up wrote a pushed commit, a change that puts another
   * {@code commit} on the GitRepo while {@code webhookCommit} is still that push (another writer,
   * such as Fleet's own poller, or a stale write an API server applied late) makes the GitRepo
   * polled once more: the remote has the last word, not the last writer.
   */
  // Only if it exists: before it does, no commit is watched (and a store firing its first GitRepos
  // while it starts must not create beans that read the store).
  void onChanged(@Observes(notifyObserver = Reception.IF_EXISTS) GitRepoChanged change) {
    GitRepo current = change.current();
    if (current == null) {
      landed.remove(change.previous().id());
      return;
    }
    Landed watched = landed.get(current.id());
    if (watched == null || change.previous() == null) {
      return;
    }
    if (System.nanoTime() - watched.untilNanos() >= 0) {
      landed.remove(current.id(), watched);
      return;
    }
    // From the pushed commit to another: events the index still owes from before the write (the
    // webhook's own, with the older commit) change nothing here.
    String was = change.previous().status().getCommit();
    String now = current.status().getCommit();
    if (watched.commit().equalsIgnoreCase(was)
        && !watched.commit().equalsIgnoreCase(now)
        && watched.commit().equalsIgnoreCase(current.status().getWebhookCommit())
        && landed.remove(current.id(), watched)) {
      metrics.counter("gitwatch_webhook_commit_overwritten").inc();
      LOG.info(
          () ->
              "After a webhook, commit of "
                  + current.id()
                  + " was changed to "
                  + now
                  + " by another write; asking the remote again");
      follow(List.of(new Expected(current, null))); // a poll: whatever the remote says now
    }
  }

  private static boolean changesNothing(GitRepoStatus status, String commit) {
    return commit != null
        && commit.equalsIgnoreCase(status.getWebhookCommit())
        && commit.equalsIgnoreCase(status.getCommit());
  }

  /**
   * Makes the GitRepos wait for their remote to show the commit of their update (none: any answer
   * will do), then starts the rounds that are not running: only once all of them wait, so that
   * those of one repository are in one round and share its ls-remote.
   */
  private void follow(List<Expected> expectations) {
    Map<String, Follow> toStart = new LinkedHashMap<>();
    for (Expected expected : expectations) {
      GitRepo gitRepo = expected.gitRepo();
      if (!PollingInterval.contactsRemote(gitRepo)) {
        continue;
      }
      var waiting =
          new Waiting(expected.commit(), System.nanoTime() + propagationTimeout.toNanos());
      String repository = repository(gitRepo);
      while (!enlist(repository, gitRepo.id(), waiting, toStart)) {
        // found a Follow whose round had just ended: the next computeIfAbsent makes a new one
      }
    }
    toStart.forEach((repository, follow) -> submit(repository, follow, Duration.ZERO));
  }

  /**
   * Adds a waiting GitRepo to its repository's Follow; false when that Follow had just ended, so
   * that no delivery joins a round that will not run again.
   */
  private boolean enlist(
      String repository, GitRepoId id, Waiting waiting, Map<String, Follow> toStart) {
    Follow follow = follows.computeIfAbsent(repository, r -> new Follow());
    synchronized (follow) {
      if (follow.ended) {
        return false;
      }
      // A newer push replaces what an older one waited for: the newest expectation is the one.
      follow.waiting.put(id, waiting);
      if (!follow.running) {
        follow.running = true;
        toStart.put(repository, follow);
      } else if (!toStart.containsKey(repository)) {
        follow.again = true; // a round is running: one more follows it
      }
      return true;
    }
  }

  private void submit(String repository, Follow follow, Duration delay) {
    try {
      rounds.schedule(() -> round(repository, follow), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      end(repository, follow); // stopping
    }
  }

  /** Polls every waiting GitRepo of a repository once, from answers that start in this round. */
  private void round(String repository, Follow follow) {
    List<Map.Entry<GitRepoId, Waiting>> batch;
    synchronized (follow) {
      follow.again = false;
      // Copies of the entries: a LinkedHashMap's own are updated in place by a newer push's put,
      // and removing what this round decided must not remove what that push now waits for.
      batch =
          follow.waiting.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }
    long start = System.nanoTime();
    boolean busy = false;
    for (Map.Entry<GitRepoId, Waiting> entry : batch) {
      GitRepo gitRepo = index.get(entry.getKey()).orElse(null);
      try {
        if (gitRepo == null || decide(gitRepo, entry.getValue(), start)) {
          synchronized (follow) {
            follow.waiting.remove(entry.getKey(), entry.getValue());
          }
          LOG.fine(() -> "After a webhook " + entry.getKey() + " waits no more");
        }
      } catch (RemoteHeads.Busy e) {
        busy = true;
        break;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "After a webhook, polling " + entry.getKey() + " failed", e);
      }
    }
    synchronized (follow) {
      if (busy || follow.again) {
        boolean again = follow.again;
        LOG.fine(
            () ->
                "After a webhook, a round of "
                    + repository
                    + (again ? " runs again at once" : " finds its ls-remote busy"));
        submit(repository, follow, busy ? BUSY_RETRY : Duration.ZERO);
      } else if (!follow.waiting.isEmpty()) {
        submit(repository, follow, propagationPoll);
      } else {
        end(repository, follow);
      }
    }
  }

  private void end(String repository, Follow follow) {
    synchronized (follow) {
      follow.running = false;
      follow.ended = true;
      follows.remove(repository, follow);
    }
  }

  /**
   * Polls one GitRepo, sharing an ls-remote of its repository that started in this round.
   *
   * @return true when it waits no more: the remote shows the pushed commit and that is written, or
   *     time is up
   */
  private boolean decide(GitRepo gitRepo, Waiting waiting, long roundStart) {
    // Any ls-remote that started in this round began after the push: its answer will do, however
    // long each GitRepo's restrictions and credentials took to read before it was looked up.
    Poller.Outcome outcome = poller.poll(gitRepo, roundStart, Poller.ANY_TERM);
    LOG.fine(
        () ->
            "After a webhook "
                + gitRepo.id()
                + " waits for "
                + waiting.expected()
                + "; the remote said "
                + outcome.polled().commit()
                + (outcome.recorded() ? "" : outcome.superseded() ? ", superseded" : ", unrecorded")
                + "; commit was "
                + gitRepo.status().getCommit());
    long now = System.nanoTime();
    boolean expired = now - waiting.deadlineNanos() >= 0;
    // A write that fails (the API server is away) is tried again in the next rounds, for as long
    // again as the propagation wait: otherwise commit or webhookCommit would stay behind the
    // remote.
    boolean gaveUp = now - waiting.deadlineNanos() - propagationTimeout.toNanos() >= 0;
    if (!outcome.polled().succeeded()) {
      return expired; // the condition says why; the next round or the schedule tries again
    }
    if (!outcome.recorded()) {
      return gaveUp;
    }
    String head = outcome.polled().commit();
    long asked = outcome.polled().askedNanos();
    if (waiting.expected() == null) {
      return true; // a trigger or a re-poll: any answer will do, and it is written
    }
    if (head.equalsIgnoreCase(waiting.expected())) {
      landed.put(gitRepo.id(), new Landed(head, now + propagationTimeout.toNanos()));
      // Shown: an older push that won a concurrent write must not keep webhookCommit behind.
      return realignment.realign(gitRepo.id(), head, asked) || gaveUp;
    }
    if (!expired) {
      return false;
    }
    metrics.counter("gitwatch_webhook_commit_not_visible").inc();
    return realignment.realignNotVisible(
            gitRepo.id(), head, asked, waiting.expected(), propagationTimeout)
        || gaveUp;
  }

  private static String repository(GitRepo gitRepo) {
    String url = gitRepo.spec().getRepo();
    return RepoKey.of(url).map(RepoKey::toString).orElse(String.valueOf(url));
  }
}
