package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.gitrepo.GitRepoStatus;
import io.gitwatch.gitrepo.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PollingIntervalTest {

  private static final Duration DEFAULT = Duration.ofSeconds(15);
  private static final Duration WEBHOOK = Duration.ofHours(1);

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0            | PT0S
          0s           | PT0S
          15s          | PT15S
          1h30m        | PT1H30M
          500ms        | PT0.5S
          1.5h         | PT1H30M
          2h45m30.5s   | PT2H45M30.5S
          1ns          | PT0.000000001S
          1us          | PT0.000001S
          1µs          | PT0.000001S
          1μs          | PT0.000001S
          .5s          | PT0.5S
          5.s          | PT5S
          1h1h         | PT2H
          90m          | PT1H30M
          1.0000000009s | PT1.000000000S
          2562047h     | PT2562047H
          """)
  void parsesGoDurations(String text, Duration expected) {
    assertThat(GoDuration.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "\"{0}\" is refused")
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "45", "-5s", "+5s", "abc", "15S", "1H", "s", ".s", "1.2.3s", " 15s", "15s ", "15 s", "1d",
        "1h-30m", "00", "1e3s", "15sec"
      })
  void refusesAnythingElseWithTheValueAndTheSyntaxInTheMessage(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text == null ? "no duration" : "\"" + text + "\"")
        .hasMessageContaining("Go duration")
        .hasMessageContaining("ns, us, µs, ms, s, m, h");
  }

  @Test
  void refusesDurationsLongerThanGoCanHold() {
    assertThatThrownBy(() -> GoDuration.parse("2562048h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2562048h");
  }

  @Test
  void usesTheSpecIntervalWhenSetAndPositive() {
    assertThat(effective("30s", null)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void usesTheSpecIntervalEvenAfterAWebhook() {
    assertThat(effective("30s", "2026-11-23T10:00:00Z")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void usesTheWebhookIntervalOnceAWebhookWasRecorded() {
    assertThat(effective(null, "2026-11-23T10:00:00Z")).isEqualTo(WEBHOOK);
  }

  @Test
  void usesTheDefaultIntervalWithoutSpecIntervalOrWebhook() {
    assertThat(effective(null, null)).isEqualTo(DEFAULT);
  }

  @Test
  void treatsAZeroSpecIntervalAsUnset() {
    assertThat(effective("0", null)).isEqualTo(DEFAULT);
    assertThat(effective("0s", "2026-11-23T10:00:00Z")).isEqualTo(WEBHOOK);
  }

  @Test
  void treatsABlankSpecIntervalOrWebhookTimeAsUnset() {
    assertThat(effective("", "")).isEqualTo(DEFAULT);
    assertThat(effective(" ", " ")).isEqualTo(DEFAULT);
  }

  @Test
  void fallsBackFromAnInvalidSpecIntervalAndReportsWhy() {
    GitRepoSpec spec = spec("45");
    assertThat(effective("45", null)).isEqualTo(DEFAULT);
    assertThat(effective("-5s", "2026-11-23T10:00:00Z")).isEqualTo(WEBHOOK);
    assertThat(PollingInterval.problem(spec))
        .hasValueSatisfying(
            message -> assertThat(message).contains("spec.pollingInterval").contains("\"45\""));
    assertThatThrownBy(() -> PollingInterval.configured(spec))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reportsNoProblemForValidOrUnsetIntervals() {
    assertThat(PollingInterval.problem(spec("1h30m"))).isEmpty();
    assertThat(PollingInterval.problem(spec(null))).isEmpty();
    assertThat(PollingInterval.configured(spec("1h30m"))).contains(Duration.ofMinutes(90));
    assertThat(PollingInterval.configured(spec("0"))).isEmpty();
  }

  @Test
  void toleratesAMissingSpecOrStatus() {
    assertThat(PollingInterval.effective(null, null, DEFAULT, WEBHOOK)).isEqualTo(DEFAULT);
  }

  @Test
  void isScheduledUnlessDisablePollingOrTheAnnotationSaysOtherwise() {
    assertThat(PollingInterval.scheduled(gitRepo(null, null), false)).isTrue();
    assertThat(PollingInterval.scheduled(gitRepo(false, null), false)).isTrue();
    assertThat(PollingInterval.scheduled(gitRepo(true, null), false)).isFalse();
  }

  @Test
  void replacingFleetsPollerPollsGitReposWhoseDisablePollingStopsFleets() {
    assertThat(PollingInterval.scheduled(gitRepo(true, null), true)).isTrue();
    assertThat(PollingInterval.scheduled(gitRepo(null, null), true)).isTrue();
  }

  @Test
  void theAnnotationWinsBothWays() {
    assertThat(PollingInterval.scheduled(gitRepo(true, "enabled"), false)).isTrue();
    assertThat(PollingInterval.scheduled(gitRepo(false, "disabled"), true)).isFalse();
    assertThat(PollingInterval.scheduled(gitRepo(true, " Enabled "), false)).isTrue();
    assertThat(PollingInterval.scheduled(gitRepo(true, "sometimes"), false)).isFalse();
    assertThat(PollingInterval.contactsRemote(gitRepo(true, "disabled"))).isFalse();
    assertThat(PollingInterval.contactsRemote(gitRepo(true, null))).isTrue();
  }

  @Test
  void aChangeOfWhetherItIsScheduledIsAChangeOfThePoll() {
    assertThat(PollingInterval.samePoll(gitRepo(false, null), gitRepo(false, null), false))
        .isTrue();
    assertThat(PollingInterval.samePoll(gitRepo(false, null), gitRepo(true, null), false))
        .isFalse();
    assertThat(PollingInterval.samePoll(gitRepo(false, null), gitRepo(true, null), true)).isTrue();
    assertThat(PollingInterval.samePoll(gitRepo(true, null), gitRepo(true, "enabled"), false))
        .isFalse();
  }

  private static GitRepo gitRepo(Boolean disablePolling, String annotation) {
    var gitRepo = new GitRepo();
    gitRepo.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withNamespace("ns")
            .withName("app")
            .withAnnotations(
                annotation == null ? Map.of() : Map.of(PollingInterval.ANNOTATION, annotation))
            .build());
    var spec = new GitRepoSpec();
    spec.setRepo("https://git.example/app");
    spec.setDisablePolling(disablePolling);
    gitRepo.setSpec(spec);
    return gitRepo;
  }

  @Test
  void addsBetweenZeroAndTenPercentJitter() {
    RandomGenerator random = new SplittableRandom(42);
    Duration interval = Duration.ofSeconds(15);
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      delays.add(PollingInterval.withJitter(interval, random));
    }
    assertThat(delays)
        .allSatisfy(
            delay ->
                assertThat(delay)
                    .isGreaterThanOrEqualTo(interval)
                    .isLessThan(interval.plus(Duration.ofMillis(1500))));
    // Spread over the whole range, not stuck at one end.
    assertThat(delays).anySatisfy(delay -> assertThat(delay).isLessThan(Duration.ofMillis(15_150)));
    assertThat(delays)
        .anySatisfy(delay -> assertThat(delay).isGreaterThan(Duration.ofMillis(16_350)));
  }

  @Test
  void addsNoJitterToIntervalsTooShortToSplit() {
    assertThat(PollingInterval.withJitter(Duration.ofNanos(9), new SplittableRandom(1)))
        .isEqualTo(Duration.ofNanos(9));
    assertThat(PollingInterval.withJitter(Duration.ZERO, new SplittableRandom(1)))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void spreadsFirstPollsOverOneInterval() {
    RandomGenerator random = new SplittableRandom(7);
    Duration interval = Duration.ofSeconds(15);
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      delays.add(PollingInterval.firstDelay(interval, random));
    }
    assertThat(delays)
        .allSatisfy(
            delay -> assertThat(delay).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(interval));
    assertThat(delays).anySatisfy(delay -> assertThat(delay).isLessThan(Duration.ofMillis(500)));
    assertThat(delays)
        .anySatisfy(delay -> assertThat(delay).isGreaterThan(Duration.ofMillis(14_500)));
  }

  @Test
  void firesAtOnceWhenTheIntervalIsZero() {
    assertThat(PollingInterval.firstDelay(Duration.ZERO, new SplittableRandom(1)))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void backsOffExponentiallyUpToTheCap() {
    Duration base = Duration.ofSeconds(15);
    Duration cap = Duration.ofMinutes(5);
    List<Duration> delays = new ArrayList<>();
    for (int failures = 1; failures <= 8; failures++) {
      delays.add(PollingInterval.backoff(failures, base, cap));
    }
    assertThat(delays)
        .containsExactly(
            Duration.ofSeconds(15),
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(120),
            Duration.ofSeconds(240),
            cap,
            cap,
            cap);
  }

  @Test
  void staysAtTheCapForAnyNumberOfFailures() {
    Duration cap = Duration.ofMinutes(5);
    assertThat(PollingInterval.backoff(63, Duration.ofSeconds(15), cap)).isEqualTo(cap);
    assertThat(PollingInterval.backoff(Integer.MAX_VALUE, Duration.ofSeconds(15), cap))
        .isEqualTo(cap);
    assertThat(PollingInterval.backoff(40, Duration.ofDays(365), Duration.ofDays(100_000)))
        .isEqualTo(Duration.ofDays(100_000));
  }

  @Test
  void backsOffNotAtAllWithoutFailures() {
    assertThat(PollingInterval.backoff(0, Duration.ofSeconds(15), Duration.ofMinutes(5)))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void capsEvenTheFirstRetryWhenTheBaseExceedsTheCap() {
    assertThat(PollingInterval.backoff(1, Duration.ofMinutes(10), Duration.ofMinutes(5)))
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void refusesANonPositiveBackoffBase() {
    assertThatThrownBy(() -> PollingInterval.backoff(1, Duration.ZERO, Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Duration effective(String pollingInterval, String lastWebhookTime) {
    GitRepoStatus status = new GitRepoStatus();
    status.setLastWebhookTime(lastWebhookTime);
    return PollingInterval.effective(spec(pollingInterval), status, DEFAULT, WEBHOOK);
  }

  private static GitRepoSpec spec(String pollingInterval) {
    GitRepoSpec spec = new GitRepoSpec();
    spec.setPollingInterval(pollingInterval);
    return spec;
  }
}
