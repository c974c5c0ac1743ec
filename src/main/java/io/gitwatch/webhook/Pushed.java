package io.gitwatch.webhook;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The CDI event of a verified push: the push and the GitRepos it verified for. Observers record
 * which GitRepos they updated, so the response tells the truth about the writes.
 */
public record Pushed(Push push, List<Target> targets, List<String> updated) {

  public Pushed(Push push, List<Target> targets) {
    this(push, List.copyOf(targets), new CopyOnWriteArrayList<>());
  }

  void recordUpdate(Target target) {
    updated.add(target.gitRepo().id());
  }
}
