package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoChanged;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Keeps one non-persistent EJB timer per GitRepo that is polled on a schedule, armed for its next
 * poll: the effective interval plus jitter, capped exponential backoff after failures, at once when
 * what the poll asks changes. Only the holder of the polling Lease polls on a schedule. A timer
 * only hands its poll to {@link PollWorkers} (bounded, one poll per GitRepo at a time) and is
 * re-armed through the bean when the poll ends, so the timer threads (Liberty's default executor)
 * never wait on a remote.
 */
@Singleton
@Startup
@Lock(LockType.READ)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PollScheduler {

  private static final Logger LOG = Logger.getLogger(PollScheduler.class.getName());
  private static final Duration BUSY_RETRY = Duration.ofSeconds(1);
  // The CRD accepts `1ms`; below a second a GitRepo would hammer its remote in a near busy loop.
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  @Resource TimerService timerService;
  @Resource SessionContext context;
  @Resource ManagedThreadFactory threads;
  @Inject GitRepoIndex index;
  @Inject GitRepoStore store;
  @Inject Poller poller;
  @Inject PollingLease lease;
  @Inject MetricRegistry metrics;
  @Inject Event<Leadership> leadership;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.default-interval", defaultValue = "15s")
  Duration defaultInterval;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.webhook-interval", defaultValue = "1h")
  Duration webhookInterval;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.backoff-cap", defaultValue = "5m")
  Duration backoffCap;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.max-concurrent", defaultValue = "16")
  int maxConcurrent;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.replace-fleet-poller", defaultValue = "false")
  boolean replaceFleetPoller;

  private PollWorkers workers;
  private org.eclipse.microprofile.metrics.Timer timerLag;
  private volatile boolean stopping;
  private PollTimers timers;
  private final Map<GitRepoId, Integer> failures = new ConcurrentHashMap<>();

  @PostConstruct
  void start() {
    workers = new PollWorkers(maxConcurrent, threads);
    timers = new PollTimers(timerService);
    timerLag = metrics.timer("gitwatch_polling_timer_lag");
    metrics.gauge("gitwatch_polling_gitrepos_scheduled", this::scheduled);
    metrics.gauge("gitwatch_polling_in_flight", workers, PollWorkers::inFlight);
    metrics.gauge("gitwatch_polling_gitrepos_in_backoff", failures, Map::size);
    metrics.gauge("gitwatch_polling_leader", () -> lease.term() >= 0 ? 1 : 0);
    // Stand for election from a timer, not from here: the lease may call back at once, and a
    // singleton cannot be called while it is being constructed.
    timerService.createSingleActionTimer(0, new TimerConfig(new Election(), false));
  }

  /**
   * Cancels every timer when the application stops, and keeps timers that fire meanwhile from
   * arming new ones in an EJB module that is going away.
   */
  @PreDestroy
  void stop() {
    stopping = true;
    timers.stop();
    workers.stop();
  }

  /** The timer that starts this replica's candidacy for polling. */
  record Election() implements Serializable {}

  public void onLeadership(@Observes Leadership change) {
    LOG.info(
        change.leading()
            ? "Polling: this replica is the poller"
            : "Polling: this replica stopped polling");
    if (change.leading()) {
      // Spread the first polls over one interval instead of firing them all at once.
      for (GitRepo gitRepo : index.all()) {
        schedule(
            gitRepo, PollingInterval.firstDelay(interval(gitRepo), ThreadLocalRandom.current()));
      }
    } else {
      timers.cancelAll();
    }
  }

  public void onChanged(@Observes GitRepoChanged change) {
    if (lease.term() < 0) {
      return;
    }
    GitRepo current = change.current();
    if (current == null) {
      timers.cancel(change.previous().id());
      failures.remove(change.previous().id());
      return;
    }
    if (change.previous() == null) {
      // First polls are spread, as GitRepos come in bulk (a start, an applied directory); one
      // created while running waits at most the default interval, as its user waits for it.
      Duration spread = interval(current);
      if (store.isSynced() && spread.compareTo(defaultInterval) > 0) {
        spread = defaultInterval;
      }
      schedule(current, PollingInterval.firstDelay(spread, ThreadLocalRandom.current()));
    } else if (!PollingInterval.samePoll(change.previous(), current, replaceFleetPoller)) {
      failures.remove(current.id());
      schedule(current, Duration.ZERO);
    }
    // A status change that only lengthens the interval (the first webhook) takes effect when the
    // armed timer fires.
  }

  @Timeout
  void onTimeout(Timer timer) {
    if (stopping) {
      return;
    }
    // Once: the timer service hands out a deserialized copy of the info on every call.
    Serializable info = timer.getInfo();
    if (info instanceof Election) {
      lease.stand(
          () -> leadership.fire(new Leadership(true)),
          () -> leadership.fire(new Leadership(false)));
      return;
    }
    PollTimers.PollRequest request = (PollTimers.PollRequest) info;
    timers.fired(request.id(), timer);
    handOver(request, context.getBusinessObject(PollScheduler.class));
  }

  /**
   * Hands the GitRepo's poll to a worker; when every worker is busy, tries again a second later
   * from the workers' own thread (not a new timer). {@code self} is the bean's business object, for
   * the worker to arm the next poll through the container.
   */
  private void handOver(PollTimers.PollRequest request, PollScheduler self) {
    GitRepoId id = request.id();
    long term = lease.term();
    GitRepo gitRepo = index.get(id).orElse(null);
    if (stopping || term < 0 || gitRepo == null) {
      return; // stopping, not the poller, or gone
    }
    PollWorkers.Handed handed =
        workers.hand(
            id,
            () -> poll(gitRepo, term),
            ended -> {
              try {
                self.polled(request, ended);
              } catch (EJBException e) {
                LOG.info(() -> "Next poll of " + id + " not armed: " + e.getMessage());
              }
            });
    if (handed == PollWorkers.Handed.FULL) {
      workers.retryLater(request.id(), BUSY_RETRY, () -> handOver(request, self));
    }
    // ALREADY_RUNNING: the running poll is followed by one more.
  }

  /** How a poll on a worker ended, for the bean to arm the next one. */
  public record Ended(long startedMillis, boolean succeeded, boolean busy) {}

  private Ended poll(GitRepo gitRepo, long term) {
    long started = System.currentTimeMillis();
    try {
      // Share a recent ls-remote of the same repository: one answer lists every branch and tag.
      long sharing = interval(gitRepo).multipliedBy(9).dividedBy(10).toNanos();
      boolean succeeded = poller.poll(gitRepo, System.nanoTime() - sharing, term).succeeded();
      return new Ended(started, succeeded, false);
    } catch (RemoteHeads.Busy e) {
      return new Ended(started, false, true); // its ls-remote is in flight: come for its answer
    } catch (RuntimeException e) {
      if (!stopping) {
        LOG.log(Level.WARNING, "Poll of " + gitRepo.id() + " failed unexpectedly", e);
      }
      return new Ended(started, false, false);
    }
  }

  /**
   * Arms the GitRepo's next poll once one has ended on a worker. Called through the container: a
   * worker thread is no EJB invocation, and the timer service serves only those.
   */
  public void polled(PollTimers.PollRequest request, Ended ended) {
    if (stopping) {
      return;
    }
    if (ended.busy()) {
      // Its repository's ls-remote is in flight, or every slot is taken: come for the answer.
      PollScheduler self = context.getBusinessObject(PollScheduler.class);
      workers.retryLater(request.id(), BUSY_RETRY, () -> handOver(request, self));
      return;
    }
    // How late polls start against their schedule: the measure of whether this replica keeps up.
    timerLag.update(Duration.ofMillis(Math.max(0, ended.startedMillis() - request.due())));
    next(request.id(), ended.succeeded());
  }

  /** Number of GitRepos with a timer, or waiting a second for a free worker (each counted once). */
  public int scheduled() {
    return timers.size() + workers.retrying(timers::has);
  }

  public int inFlight() {
    return workers.inFlight();
  }

  /** How long the oldest poll in flight has been running; zero when none is. */
  public Duration longestInFlight() {
    return workers.longestInFlight();
  }

  private void next(GitRepoId id, boolean succeeded) {
    GitRepo gitRepo = index.get(id).orElse(null);
    if (gitRepo == null || lease.term() < 0) {
      return; // gone, or no longer the poller
    }
    if (workers.askedAgain(id)) {
      schedule(gitRepo, Duration.ZERO); // what the poll asks changed while it ran
    } else if (succeeded) {
      failures.remove(id);
      schedule(gitRepo, PollingInterval.withJitter(interval(gitRepo), ThreadLocalRandom.current()));
    } else {
      int failed = failures.merge(id, 1, Integer::sum);
      timers.arm(id, PollingInterval.backoff(failed, defaultInterval, backoffCap), 0);
    }
  }

  private void schedule(GitRepo gitRepo, Duration delay) {
    if (!PollingInterval.scheduled(gitRepo, replaceFleetPoller)) {
      timers.cancel(gitRepo.id());
      return;
    }
    timers.arm(gitRepo.id(), delay, 0);
  }

  private Duration interval(GitRepo gitRepo) {
    Duration interval =
        PollingInterval.effective(
            gitRepo.spec(), gitRepo.status(), defaultInterval, webhookInterval);
    return interval.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : interval;
  }
}
