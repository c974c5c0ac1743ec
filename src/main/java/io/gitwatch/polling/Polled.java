package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepo;
import java.time.Instant;

/**
 * The CDI event of one poll of a GitRepo's remote: the commit found, or why none was.
 *
 * @param commit the head commit, or null when the poll failed
 * @param reason the fixed reason code of the failure, or null on success
 * @param failure a message in our own words a user can act on (no secret material, nothing the
 *     remote sent), or null on success
 * @param notice on success, something in the spec the user should fix (an invalid {@code
 *     pollingInterval} that was ignored); null when there is nothing to say
 * @param askedNanos when the ls-remote the commit was read from started (a {@link
 *     System#nanoTime()} instant; it may be shared, so earlier than {@code at}), or when a failed
 *     poll began: what orders two answers for one GitRepo
 */
public record Polled(
    GitRepo gitRepo,
    Instant at,
    String commit,
    FailureReason reason,
    String failure,
    String notice,
    long askedNanos) {

  static Polled found(GitRepo gitRepo, Instant at, RemoteHeads.Answer answer, String notice) {
    return new Polled(gitRepo, at, answer.commit(), null, null, notice, answer.askedNanos());
  }

  static Polled failed(
      GitRepo gitRepo, Instant at, FailureReason reason, String failure, long askedNanos) {
    return new Polled(gitRepo, at, null, reason, failure, null, askedNanos);
  }

  public boolean succeeded() {
    return failure == null;
  }
}
