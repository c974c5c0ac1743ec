package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.gitrepo.GitRepoStatus;
import io.gitwatch.gitrepo.GoDuration;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The polling rules as pure functions: Go-duration parsing, the effective interval of a GitRepo,
 * jitter, the spread of first polls and the backoff after failures.
 */
public final class PollingInterval {

  private static final int JITTER_PERCENT = 10;

  private PollingInterval() {}

  /**
   * The interval a GitRepo polls at: {@code spec.pollingInterval} when set and greater than zero;
   * otherwise {@code webhookInterval} once a verified webhook was recorded ({@code
   * status.lastWebhookTime}); otherwise {@code defaultInterval}.
   *
   * <p>An invalid {@code pollingInterval} is treated as unset, so the GitRepo still polls; the
   * caller reports it with {@link #problem(GitRepoSpec)}.
   */
  public static Duration effective(
      GitRepoSpec spec, GitRepoStatus status, Duration defaultInterval, Duration webhookInterval) {
    Optional<Duration> configured;
    try {
      configured = configured(spec);
    } catch (IllegalArgumentException e) {
      configured = Optional.empty();
    }
    if (configured.isPresent()) {
      return configured.get();
    }
    if (status != null
        && status.getLastWebhookTime() != null
        && !status.getLastWebhookTime().isBlank()) {
      return webhookInterval;
    }
    return defaultInterval;
  }

  /**
   * {@code spec.pollingInterval} when it is set and greater than zero; empty when unset, blank or
   * zero.
   *
   * @throws IllegalArgumentException when it is not a Go duration, or negative
   */
  public static Optional<Duration> configured(GitRepoSpec spec) {
    String text = spec == null ? null : spec.getPollingInterval();
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    Duration interval = GoDuration.parse(text);
    return interval.isZero() ? Optional.empty() : Optional.of(interval);
  }

  /**
   * Why {@code spec.pollingInterval} is ignored, for the GitRepo's condition; empty when it is
   * valid or unset.
   */
  public static Optional<String> problem(GitRepoSpec spec) {
    try {
      configured(spec);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of("spec.pollingInterval ignored: " + e.getMessage());
    }
  }

  /**
   * The annotation that switches Gitwatch's polling of one GitRepo on or off, whatever else says.
   */
  public static final String ANNOTATION = "gitwatch.io/polling";

  /**
   * Whether Gitwatch polls the GitRepo on a schedule: {@code gitwatch.io/polling: enabled} or
   * {@code disabled} wins; otherwise, when Gitwatch replaces Fleet's poller, always ({@code
   * spec.disablePolling} then only turns Fleet's poller off); otherwise unless {@code
   * spec.disablePolling: true}.
   */
  public static boolean scheduled(GitRepo gitRepo, boolean replaceFleetPoller) {
    String annotation = annotation(gitRepo);
    if ("enabled".equals(annotation)) {
      return true;
    }
    if ("disabled".equals(annotation)) {
      return false;
    }
    return replaceFleetPoller || !Boolean.TRUE.equals(gitRepo.spec().getDisablePolling());
  }

  /**
   * Whether Gitwatch may contact the GitRepo's remote at all, after a webhook too: not when {@code
   * gitwatch.io/polling: disabled}.
   */
  public static boolean contactsRemote(GitRepo gitRepo) {
    return !"disabled".equals(annotation(gitRepo));
  }

  /**
   * Whether two versions of a GitRepo are polled alike: the same remote and ref, credentials, TLS
   * options and interval, and both scheduled or both not. Status writes (ours or Fleet's) never
   * change this.
   */
  public static boolean samePoll(GitRepo before, GitRepo after, boolean replaceFleetPoller) {
    var a = before.spec();
    var b = after.spec();
    return Objects.equals(a.getRepo(), b.getRepo())
        && Objects.equals(a.getBranch(), b.getBranch())
        && Objects.equals(a.getRevision(), b.getRevision())
        && Objects.equals(a.getPollingInterval(), b.getPollingInterval())
        && Objects.equals(a.getClientSecretName(), b.getClientSecretName())
        && Objects.equals(a.getCaBundle(), b.getCaBundle())
        && Objects.equals(a.getInsecureSkipTLSVerify(), b.getInsecureSkipTLSVerify())
        && scheduled(before, replaceFleetPoller) == scheduled(after, replaceFleetPoller);
  }

  private static String annotation(GitRepo gitRepo) {
    Map<String, String> annotations =
        gitRepo.getMetadata() == null ? null : gitRepo.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ANNOTATION);
    return value == null ? null : value.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * The delay until the next poll: {@code interval} plus a random 0–10 % of it, so GitRepos with
   * the same interval drift apart instead of polling in lockstep (Fleet's jitter).
   */
  public static Duration withJitter(Duration interval, RandomGenerator random) {
    long maxJitter = nanos(interval) / (100 / JITTER_PERCENT);
    return maxJitter <= 0 ? interval : interval.plusNanos(random.nextLong(maxJitter));
  }

  /**
   * The delay before a GitRepo's first poll after a start: uniform in [0, interval), so that a
   * restart spreads the polls of all GitRepos over one interval instead of firing them at once.
   */
  public static Duration firstDelay(Duration interval, RandomGenerator random) {
    long nanos = nanos(interval);
    return nanos <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(nanos));
  }

  /**
   * The retry delay after {@code consecutiveFailures} failed polls: {@code base}, then doubling,
   * never more than {@code cap} (15 s, 30 s, 60 s, ... 5 min). Zero failures give zero.
   */
  public static Duration backoff(int consecutiveFailures, Duration base, Duration cap) {
    if (consecutiveFailures <= 0) {
      return Duration.ZERO;
    }
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("backoff base must be positive, not " + base);
    }
    int doublings = consecutiveFailures - 1;
    if (doublings >= Long.SIZE - 2) {
      return cap;
    }
    try {
      Duration delay = base.multipliedBy(1L << doublings);
      return delay.compareTo(cap) > 0 ? cap : delay;
    } catch (ArithmeticException e) {
      return cap;
    }
  }

  /** Nanoseconds, saturated instead of overflowing for intervals beyond 292 years. */
  private static long nanos(Duration duration) {
    if (duration.isNegative()) {
      return 0;
    }
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
