package io.gitwatch.bench;

/**
 * GitRepos checked against the final-state rule {@code commit == webhookCommit == the repository's
 * head on the git server}: how many break it, and how.
 */
record FinalState(
    int gitRepos,
    int webhookCommitNotHead,
    int commitNotHead,
    java.util.List<String> examples,
    java.util.BitSet off) {

  /** GitRepos that break the rule, one way or both. */
  int violations() {
    return off.cardinality();
  }

  boolean holds() {
    return off.isEmpty();
  }

  String describe() {
    return BenchTable.format(
        "%d of %d (webhookCommit ≠ head: %d, commit ≠ head: %d)%s",
        violations(),
        gitRepos,
        webhookCommitNotHead,
        commitNotHead,
        examples.isEmpty() ? "" : ", e.g. " + String.join("; ", examples));
  }
}
