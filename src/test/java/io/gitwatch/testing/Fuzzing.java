package io.gitwatch.testing;

/** Settings shared by the {@code *FuzzTest} classes (README, "Fuzzing"). */
public final class Fuzzing {

  /**
   * How long one {@code @FuzzTest} method fuzzes with {@code JAZZER_FUZZ=1}; ignored by the normal
   * test run, which only replays the seeds. An annotation value, so a constant: change it here.
   */
  public static final String DURATION = "5m";

  private Fuzzing() {}
}
