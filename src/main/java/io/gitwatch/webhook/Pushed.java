package io.gitwatch.webhook;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CDI event of a verified push: the push, the GitRepos it verified for, and its place in the
 * order deliveries were verified in. Observers record which GitRepos they updated, so the response
 * tells the truth about the writes.
 */
public record Pushed(Push push, List<Target> targets, List<String> updated, long sequence) {

  private static final AtomicLong VERIFIED = new AtomicLong();

  public Pushed(Push push, List<Target> targets) {
    this(push, List.copyOf(targets), new CopyOnWriteArrayList<>(), VERIFIED.incrementAndGet());
  }

  void recordUpdate(Target target) {
    updated.add(target.gitRepo().id());
  }
}
