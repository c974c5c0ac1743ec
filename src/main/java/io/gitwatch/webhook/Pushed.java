package io.gitwatch.webhook;

import java.util.List;

/**
 * The CDI event of a verified push, fired once its status writes are done: the push, the GitRepos
 * it verified for, and the ids of those whose {@code webhookCommit} it changed.
 */
public record Pushed(Push push, List<Target> targets, List<String> updated) {

  public Pushed {
    targets = List.copyOf(targets);
    updated = List.copyOf(updated);
  }
}
