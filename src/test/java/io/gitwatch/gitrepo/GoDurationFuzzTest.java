package io.gitwatch.gitrepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gitwatch.testing.Fuzzing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Any {@code spec.pollingInterval} a tenant writes is a non-negative duration or an {@link
 * IllegalArgumentException} (the GitRepo's condition says why), soon: the scheduler parses it for
 * every GitRepo. Seeds: the durations of PollingIntervalTest and GoDurationTest, in {@code
 * src/test/resources/io/gitwatch/gitrepo/GoDurationFuzzTestInputs/parse}.
 */
class GoDurationFuzzTest {

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    Duration duration;
    try {
      duration = GoDuration.parse(text);
    } catch (IllegalArgumentException refused) {
      return;
    }
    assertFalse(duration.isNegative(), text + " is " + duration);
    assertEquals(duration, GoDuration.parse(text)); // deterministic
  }
}
