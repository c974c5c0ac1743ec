package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Long durations are parsed, or refused, at once. (PollingIntervalTest has the syntax.) The
 * timeouts are no measurement: they stop a build that would otherwise hang for hours.
 */
class GoDurationTest {

  /**
   * The pattern backtracked over every split of the digits at every start, cubic in their number:
   * 2,000 digits took 89 s, 20,000 would take hours. GoDurationFuzzTest reported 113 bytes of
   * digits as a 12 s input (seed {@code slow-unit-dc6bf044...}; {@code digits-without-a-unit} is
   * longer).
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aLongRunOfDigitsWithoutAUnitIsRefused() {
    String text = "1".repeat(20_000) + "x";

    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a valid duration");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aRefusalAfterManyValidComponentsIsStillARefusal() {
    assertThatThrownBy(() -> GoDuration.parse("1s".repeat(5_000) + "1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void componentsFollowingEachOtherAddUp() {
    assertThat(GoDuration.parse("1s".repeat(5_000))).isEqualTo(Duration.ofSeconds(5_000));
  }
}
