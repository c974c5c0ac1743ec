package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoChanged;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Keeps one non-persistent EJB timer per GitRepo that is polled on a schedule, armed for its next
 * poll: the effective interval plus jitter, capped exponential backoff after failures, at once when
 * what the poll asks changes. Only the holder of the polling Lease polls on a schedule. Timeouts
 * run concurrently ({@code @Lock(READ)}); a semaphore bounds the polls in flight, and a GitRepo is
 * never polled twice at once.
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

  private Semaphore slots;
  private org.eclipse.microprofile.metrics.Timer timerLag;
  private volatile boolean stopping;
  private final Map<GitRepoId, Timer> timers = new ConcurrentHashMap<>();
  private final Map<GitRepoId, Integer> failures = new ConcurrentHashMap<>();
  private final PollsInFlight inFlight = new PollsInFlight();

  @PostConstruct
  void start() {
    slots = new Semaphore(maxConcurrent);
    timerLag = metrics.timer("gitwatch_polling_timer_lag");
    metrics.gauge("gitwatch_polling_gitrepos_scheduled", timers, Map::size);
    metrics.gauge("gitwatch_polling_in_flight", inFlight, PollsInFlight::size);
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
    timers.keySet().forEach(this::cancel);
  }

  /** The timer that starts this replica's candidacy for polling. */
  record Election() implements Serializable {}

  /** What a timer carries: which GitRepo, and when its poll was due (epoch millis). */
  record PollRequest(GitRepoId id, long due) implements Serializable {}

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
      timers.keySet().forEach(this::cancel);
    }
  }

  public void onChanged(@Observes GitRepoChanged change) {
    if (lease.term() < 0) {
      return;
    }
    GitRepo current = change.current();
    if (current == null) {
      cancel(change.previous().id());
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
    if (timer.getInfo() instanceof Election) {
      lease.stand(
          () -> leadership.fire(new Leadership(true)),
          () -> leadership.fire(new Leadership(false)));
      return;
    }
    PollRequest request = (PollRequest) timer.getInfo();
    GitRepoId id = request.id();
    timers.remove(id, timer);
    long term = lease.term();
    GitRepo gitRepo = index.get(id).orElse(null);
    if (term < 0 || gitRepo == null) {
      return; // not the poller, or gone
    }
    if (!inFlight.start(id)) {
      return; // its running poll is followed by one more
    }
    if (!slots.tryAcquire()) {
      inFlight.end(id);
      arm(id, BUSY_RETRY, request.due());
      return;
    }
    boolean succeeded = false;
    boolean busy = false;
    try {
      // Share a recent ls-remote of the same repository: one answer lists every branch and tag.
      long sharing = interval(gitRepo).multipliedBy(9).dividedBy(10).toNanos();
      succeeded = poller.poll(gitRepo, System.nanoTime() - sharing, term).succeeded();
    } catch (RemoteHeads.Busy e) {
      busy = true; // the repository's ls-remote is in flight: come back for its answer
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Poll of " + id + " failed unexpectedly", e);
    } finally {
      slots.release();
      inFlight.end(id);
    }
    if (busy) {
      arm(id, BUSY_RETRY, request.due());
      return;
    }
    // How late polls start against their schedule: the measure of whether this replica keeps up.
    timerLag.update(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - request.due())));
    next(id, succeeded);
  }

  /** Number of GitRepos with a timer. */
  public int scheduled() {
    return timers.size();
  }

  public int inFlight() {
    return inFlight.size();
  }

  /** How long the oldest poll in flight has been running; zero when none is. */
  public Duration longestInFlight() {
    return inFlight.longest();
  }

  private void next(GitRepoId id, boolean succeeded) {
    GitRepo gitRepo = index.get(id).orElse(null);
    if (gitRepo == null || lease.term() < 0) {
      return; // gone, or no longer the poller
    }
    if (inFlight.askedAgain(id)) {
      schedule(gitRepo, Duration.ZERO); // what the poll asks changed while it ran
    } else if (succeeded) {
      failures.remove(id);
      schedule(gitRepo, PollingInterval.withJitter(interval(gitRepo), ThreadLocalRandom.current()));
    } else {
      int failed = failures.merge(id, 1, Integer::sum);
      arm(id, PollingInterval.backoff(failed, defaultInterval, backoffCap), 0);
    }
  }

  private void schedule(GitRepo gitRepo, Duration delay) {
    if (!PollingInterval.scheduled(gitRepo, replaceFleetPoller)) {
      cancel(gitRepo.id());
      return;
    }
    arm(gitRepo.id(), delay, 0);
  }

  /** Arms the GitRepo's timer; {@code due} keeps a busy retry's original due time (0: now). */
  private void arm(GitRepoId id, Duration delay, long due) {
    if (stopping) {
      return;
    }
    long millis = Math.max(0, delay.toMillis());
    PollRequest request = new PollRequest(id, due > 0 ? due : System.currentTimeMillis() + millis);
    Timer timer = timerService.createSingleActionTimer(millis, new TimerConfig(request, false));
    Timer previous = timers.put(id, timer);
    if (previous != null) {
      cancelQuietly(previous);
    }
  }

  private void cancel(GitRepoId id) {
    Timer timer = timers.remove(id);
    if (timer != null) {
      cancelQuietly(timer);
    }
  }

  private static void cancelQuietly(Timer timer) {
    try {
      timer.cancel();
    } catch (RuntimeException e) {
      // already fired or cancelled: nothing to stop
    }
  }

  private Duration interval(GitRepo gitRepo) {
    Duration interval =
        PollingInterval.effective(
            gitRepo.spec(), gitRepo.status(), defaultInterval, webhookInterval);
    return interval.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : interval;
  }
}
