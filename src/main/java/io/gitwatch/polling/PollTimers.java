package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepoId;
import jakarta.ejb.EJBException;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * One armed non-persistent EJB timer per scheduled GitRepo. Used by {@link PollScheduler} within
 * its own invocations only: the timer service serves no other thread.
 */
final class PollTimers {

  private static final Logger LOG = Logger.getLogger(PollTimers.class.getName());

  /** What a timer carries: which GitRepo, and when its poll was due (epoch millis). */
  public record PollRequest(GitRepoId id, long due) implements Serializable {}

  private final TimerService timerService;
  private final Map<GitRepoId, Timer> timers = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  PollTimers(TimerService timerService) {
    this.timerService = timerService;
  }

  /** Arms the GitRepo's timer in place of any; {@code due} keeps a retry's due time (0: now). */
  void arm(GitRepoId id, Duration delay, long due) {
    if (stopped) {
      return;
    }
    long millis = Math.max(0, delay.toMillis());
    PollRequest request = new PollRequest(id, due > 0 ? due : System.currentTimeMillis() + millis);
    Timer timer;
    try {
      timer = timerService.createSingleActionTimer(millis, new TimerConfig(request, false));
    } catch (EJBException | IllegalStateException e) {
      // The EJB module stops before the bean's @PreDestroy: a poll that ended meanwhile finds no
      // timer service. The next start arms every GitRepo.
      LOG.info(() -> "Poll timer of " + id + " not armed: " + e.getMessage());
      return;
    }
    Timer previous = timers.put(id, timer);
    if (previous != null) {
      cancelQuietly(previous);
    }
  }

  /** Forgets the timer that fired, unless another was armed meanwhile. */
  void fired(GitRepoId id, Timer timer) {
    timers.remove(id, timer);
  }

  void cancel(GitRepoId id) {
    Timer timer = timers.remove(id);
    if (timer != null) {
      cancelQuietly(timer);
    }
  }

  void cancelAll() {
    timers.keySet().forEach(this::cancel);
  }

  /** Cancels every timer and arms no more: the application stops. */
  void stop() {
    stopped = true;
    cancelAll();
  }

  int size() {
    return timers.size();
  }

  boolean has(GitRepoId id) {
    return timers.containsKey(id);
  }

  private static void cancelQuietly(Timer timer) {
    try {
      timer.cancel();
    } catch (RuntimeException e) {
      // already fired or cancelled: nothing to stop
    }
  }
}
