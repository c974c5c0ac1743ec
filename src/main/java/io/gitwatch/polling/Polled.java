package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepo;
import java.time.Instant;

/**
 * The CDI event of one poll of a GitRepo's remote: the commit found, or why none was.
 *
 * @param commit the head commit, or null when the poll failed
 * @param failure a message a user can act on (no secret material), or null on success
 */
public record Polled(GitRepo gitRepo, Instant at, String commit, String failure) {

  static Polled found(GitRepo gitRepo, Instant at, String commit) {
    return new Polled(gitRepo, at, commit, null);
  }

  static Polled failed(GitRepo gitRepo, Instant at, String failure) {
    return new Polled(gitRepo, at, null, failure);
  }

  public boolean succeeded() {
    return failure == null;
  }
}
