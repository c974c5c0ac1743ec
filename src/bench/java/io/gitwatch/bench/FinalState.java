package io.gitwatch.bench;

/**
 * GitRepos checked against the final-state rule {@code commit == webhookCommit == the repository's
 * head on the git server}: how many break it, and how.
 */
record FinalState(int gitRepos, int violations, int webhookCommitNotHead, int commitNotHead) {

  boolean holds() {
    return violations == 0;
  }

  String describe() {
    return BenchTable.format(
        "%d of %d (webhookCommit ≠ head: %d, commit ≠ head: %d)",
        violations, gitRepos, webhookCommitNotHead, commitNotHead);
  }
}
