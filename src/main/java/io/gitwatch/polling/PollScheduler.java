package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoChanged;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoStore;
import io.gitwatch.webhook.Pushed;
import io.gitwatch.webhook.Target;
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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Keeps one non-persistent EJB timer per GitRepo, armed for its next poll: the effective interval
 * plus jitter, capped exponential backoff after failures, and "now" after a verified webhook.
 * Timeouts run concurrently ({@code @Lock(READ)}); a semaphore bounds the polls in flight, and a
 * GitRepo is never polled twice at once. A poll whose repository already has an ls-remote in flight
 * gives its slot back at once ({@link RemoteHeads.Busy}) and comes back a second later for the
 * shared answer, so GitRepos of one slow repository hold one slot, not all of them.
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
  @Inject Poller poller;
  @Inject MetricRegistry metrics;
  @Inject GitRepoStore store;
  @Inject Event<Leadership> leadership;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.lease-name", defaultValue = "gitwatch-polling")
  String leaseName;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.lease-duration", defaultValue = "15s")
  String leaseDuration;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.default-interval", defaultValue = "15s")
  String defaultInterval;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.webhook-interval", defaultValue = "1h")
  String webhookInterval;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.backoff-cap", defaultValue = "5m")
  String backoffCap;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.max-concurrent", defaultValue = "16")
  int maxConcurrent;

  private Duration defaults;
  private Duration afterWebhook;
  private Duration cap;
  private Semaphore slots;
  private org.eclipse.microprofile.metrics.Timer timerLag;
  private volatile boolean leading;
  private volatile boolean stopping;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Set<String> again = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> started = new ConcurrentHashMap<>();

  @PostConstruct
  void start() {
    defaults = PollingInterval.parseGo(defaultInterval);
    afterWebhook = PollingInterval.parseGo(webhookInterval);
    cap = PollingInterval.parseGo(backoffCap);
    slots = new Semaphore(maxConcurrent);
    timerLag = metrics.timer("gitwatch_polling_timer_lag");
    metrics.gauge("gitwatch_polling_gitrepos_scheduled", timers, Map::size);
    metrics.gauge("gitwatch_polling_in_flight", inFlight, Set::size);
    metrics.gauge("gitwatch_polling_gitrepos_in_backoff", failures, Map::size);
    metrics.gauge("gitwatch_polling_leader", () -> leading ? 1 : 0);
    // Stand for election from a timer, not from here: the store it starts may tell this bean about
    // GitRepos at once, and a singleton cannot be called while it is being constructed.
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

  private void stand() {
    // Every replica serves webhooks; only the elected one polls on a schedule.
    store.elect(
        leaseName,
        PollingInterval.parseGo(leaseDuration),
        () -> leadership.fire(new Leadership(true)),
        () -> leadership.fire(new Leadership(false)));
  }

  public void onLeadership(@Observes Leadership change) {
    leading = change.leading();
    LOG.info(
        leading ? "Polling: this replica is the poller" : "Polling: this replica stopped polling");
    if (leading) {
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
    if (!leading) {
      return;
    }
    GitRepo current = change.current();
    if (current == null) {
      cancel(change.previous().id());
      failures.remove(change.previous().id());
      return;
    }
    if (change.previous() == null) {
      schedule(current, PollingInterval.firstDelay(interval(current), ThreadLocalRandom.current()));
    } else if (!samePoll(change.previous(), current)) {
      failures.remove(current.id());
      schedule(current, Duration.ZERO);
    }
    // A status change that only lengthens the interval (the first webhook) takes effect when the
    // armed timer fires: replacing it could cancel the "poll now" that webhook just asked for.
  }

  /**
   * A verified webhook makes its GitRepos poll now, so {@code commit} follows within one ls-remote.
   */
  public void onPushed(@Observes Pushed pushed) {
    for (Target target : pushed.targets()) {
      try {
        arm(target.gitRepo().id(), Duration.ZERO, true);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Could not trigger a poll of " + target.gitRepo().id(), e);
      }
    }
  }

  /**
   * What a timer carries: which GitRepo, whether the remote must be asked afresh, and when the poll
   * was due (epoch millis), kept across busy retries so the lag metric counts the whole wait.
   */
  record PollRequest(String id, boolean fresh, long due) implements Serializable {}

  @Timeout
  void onTimeout(Timer timer) {
    if (stopping) {
      return;
    }
    if (timer.getInfo() instanceof Election) {
      stand();
      return;
    }
    PollRequest request = (PollRequest) timer.getInfo();
    String id = request.id();
    timers.remove(id, timer);
    long lag = System.currentTimeMillis() - request.due();
    if (!inFlight.add(id)) {
      again.add(id); // coalesce: the running poll is followed by one more
      return;
    }
    if (!slots.tryAcquire()) {
      inFlight.remove(id);
      arm(id, BUSY_RETRY, request.fresh(), request.due());
      return;
    }
    boolean ok = false;
    boolean busy = false;
    String[] nsName = id.split("/", 2);
    started.put(id, System.nanoTime());
    try {
      // Share a recent ls-remote of the same repository, unless a webhook asked for the truth now.
      Duration maxAge = request.fresh() ? Duration.ZERO : sharingWindow(nsName);
      ok = poller.poll(nsName[0], nsName[1], maxAge);
    } catch (RemoteHeads.Busy e) {
      busy = true;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Poll of " + id + " failed unexpectedly", e);
    } finally {
      started.remove(id);
      slots.release();
      inFlight.remove(id);
    }
    if (busy) {
      arm(id, BUSY_RETRY, request.fresh(), request.due());
      return;
    }
    // How late polls start against their schedule: the measure of whether this replica keeps up.
    timerLag.update(Duration.ofMillis(Math.max(0, lag)));
    int failed = ok ? 0 : failures.merge(id, 1, Integer::sum);
    if (ok) {
      failures.remove(id);
    }
    GitRepo gitRepo = index.get(nsName[0], nsName[1]).orElse(null);
    if (gitRepo == null) {
      return;
    }
    if (again.remove(id)) {
      arm(id, Duration.ZERO, true);
    } else if (!leading) {
      return; // a webhook's poll on a replica that does not poll on a schedule is a one-off
    } else if (failed > 0) {
      arm(id, PollingInterval.backoff(failed, defaults, cap), false);
    } else {
      schedule(gitRepo, PollingInterval.withJitter(interval(gitRepo), ThreadLocalRandom.current()));
    }
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
    long now = System.nanoTime();
    return started.values().stream()
        .map(t -> Duration.ofNanos(now - t))
        .max(Duration::compareTo)
        .orElse(Duration.ZERO);
  }

  private void schedule(GitRepo gitRepo, Duration delay) {
    if (PollingInterval.disabled(gitRepo.spec())) {
      cancel(gitRepo.id());
      return;
    }
    arm(gitRepo.id(), delay, false);
  }

  private void arm(String id, Duration delay, boolean fresh) {
    arm(id, delay, fresh, System.currentTimeMillis() + Math.max(0, delay.toMillis()));
  }

  private void arm(String id, Duration delay, boolean fresh, long due) {
    if (stopping) {
      return;
    }
    Timer timer =
        timerService.createSingleActionTimer(
            Math.max(0, delay.toMillis()), new TimerConfig(new PollRequest(id, fresh, due), false));
    Timer previous = timers.put(id, timer);
    if (previous != null) {
      cancelQuietly(previous);
    }
  }

  private void cancel(String id) {
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

  private Duration sharingWindow(String[] nsName) {
    return index
        .get(nsName[0], nsName[1])
        .map(g -> interval(g).multipliedBy(9).dividedBy(10))
        .orElse(Duration.ZERO);
  }

  private Duration interval(GitRepo gitRepo) {
    Duration interval =
        PollingInterval.effective(gitRepo.spec(), gitRepo.status(), defaults, afterWebhook);
    return interval.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : interval;
  }

  // What the poll asks the remote; status writes (ours or Fleet's) do not change it.
  private static boolean samePoll(GitRepo before, GitRepo after) {
    var a = before.spec();
    var b = after.spec();
    return Objects.equals(a.getRepo(), b.getRepo())
        && Objects.equals(a.getBranch(), b.getBranch())
        && Objects.equals(a.getRevision(), b.getRevision())
        && Objects.equals(a.getPollingInterval(), b.getPollingInterval())
        && Objects.equals(a.getDisablePolling(), b.getDisablePolling())
        && Objects.equals(a.getClientSecretName(), b.getClientSecretName())
        && Objects.equals(a.getCaBundle(), b.getCaBundle())
        && Objects.equals(a.getInsecureSkipTLSVerify(), b.getInsecureSkipTLSVerify());
  }
}
