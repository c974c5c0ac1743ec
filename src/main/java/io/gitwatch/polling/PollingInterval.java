package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.gitrepo.GitRepoStatus;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The polling rules as pure functions: Go-duration parsing, the effective interval of a GitRepo,
 * jitter, the spread of first polls and the backoff after failures.
 */
public final class PollingInterval {

  static final String SYNTAX =
      "a Go duration: one or more <number><unit> with units ns, us, µs, ms, s, m, h"
          + " (e.g. 15s, 1h30m, 500ms, 1.5h), or 0";

  // Go's ParseDuration: a decimal number with an optional fraction (".5" and "5." are valid,
  // "." is not) followed by a unit. Longer units first so that "ms" is not read as "m" + "s".
  private static final Pattern COMPONENT =
      Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "µs", 1_000L, // U+00B5 MICRO SIGN
          "μs", 1_000L, // U+03BC GREEK SMALL LETTER MU, which Go accepts too
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  // Go's time.Duration is an int64 of nanoseconds (about 292 years); Go refuses longer values.
  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

  private static final int JITTER_PERCENT = 10;

  private PollingInterval() {}

  /**
   * Parses a Go duration ({@code 15s}, {@code 1h30m}, {@code 500ms}, {@code 1.5h}, {@code 0}).
   *
   * @throws IllegalArgumentException naming the value and the accepted syntax, for anything else: a
   *     number without a unit, a sign, spaces, an unknown unit, an empty string
   */
  public static Duration parseGo(String text) {
    if (text == null || text.isEmpty()) {
      throw invalid(text);
    }
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher matcher = COMPONENT.matcher(text);
    BigInteger nanos = BigInteger.ZERO;
    int position = 0;
    while (position < text.length()) {
      if (!matcher.find(position) || matcher.start() != position) {
        throw invalid(text);
      }
      BigDecimal component =
          new BigDecimal(matcher.group(1))
              .multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(matcher.group(2))));
      // Go truncates fractions of a nanosecond.
      nanos = nanos.add(component.setScale(0, RoundingMode.DOWN).toBigIntegerExact());
      position = matcher.end();
    }
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw new IllegalArgumentException(
          "duration \"" + text + "\" is too long: at most about 292 years (2562047h)");
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

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
    Duration interval = parseGo(text);
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

  /** Whether the GitRepo must not be polled at all ({@code spec.disablePolling: true}). */
  public static boolean disabled(GitRepoSpec spec) {
    return spec != null && Boolean.TRUE.equals(spec.getDisablePolling());
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

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        (text == null ? "no duration" : "\"" + text + "\" is not a valid duration")
            + ": expected "
            + SYNTAX);
  }
}
