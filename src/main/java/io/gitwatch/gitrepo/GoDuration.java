package io.gitwatch.gitrepo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Go durations ({@code 15s}, {@code 1h30m}, {@code 500ms}), the syntax of {@code
 * spec.pollingInterval}; also the MicroProfile Config converter, so every duration setting is
 * written the same way and injected as a {@link Duration}.
 */
public final class GoDuration implements Converter<Duration> {

  public static final String SYNTAX =
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

  /**
   * Parses a Go duration ({@code 15s}, {@code 1h30m}, {@code 500ms}, {@code 1.5h}, {@code 0}).
   *
   * @throws IllegalArgumentException naming the value and the accepted syntax, for anything else: a
   *     number without a unit, a sign, spaces, an unknown unit, an empty string
   */
  public static Duration parse(String text) {
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

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        (text == null ? "no duration" : "\"" + text + "\" is not a valid duration")
            + ": expected "
            + SYNTAX);
  }

  /** Settings accept ISO-8601 too ({@code PT15S}), which MicroProfile Config users may expect. */
  @Override
  public Duration convert(String value) {
    String text = value == null ? null : value.trim();
    if (text != null && (text.startsWith("P") || text.startsWith("p"))) {
      return Duration.parse(text);
    }
    return parse(text);
  }
}
