package io.gitwatch.testing;

/** Settings shared by the {@code *FuzzTest} classes (README, "Fuzzing"). */
public final class Fuzzing {

  /**
   * How long one {@code @FuzzTest} method fuzzes when run by hand with {@code JAZZER_FUZZ=1 mvn
   * test -Dtest=Class#method}; the build's fuzzing executions (pom, profile {@code fuzz}) replace
   * it with {@code fuzz.seconds}, and the normal test run only replays the seeds. An annotation
   * value, so a constant: change it here.
   */
  public static final String DURATION = "5m";

  private Fuzzing() {}
}
