package io.gitwatch.webhook;

import java.util.List;

/** The body of a 200 answer to a CI trigger: the GitRepos whose poll it started. */
public record TriggerOutcome(List<String> triggered) {

  public TriggerOutcome {
    triggered = List.copyOf(triggered);
  }
}
