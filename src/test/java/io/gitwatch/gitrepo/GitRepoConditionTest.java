package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

class GitRepoConditionTest {

  @Test
  void anUpdateReplacesItsTypeInPlaceAndKeepsEveryOtherWritersConditions() {
    var merged =
        GitRepoCondition.merge(
            List.of(
                condition("Ready", "True"),
                condition("GitPolling", "False"),
                condition("Stalled", "False")),
            List.of(condition("GitPolling", "True"), condition("WebhookReceiver", "True")));

    assertThat(merged)
        .extracting(GitRepoCondition::getType, GitRepoCondition::getStatus)
        .containsExactly(
            tuple("Ready", "True"),
            tuple("GitPolling", "True"),
            tuple("Stalled", "False"),
            tuple("WebhookReceiver", "True"));
  }

  @Test
  void aTypeListedTwiceIsWrittenBackOnce() {
    var merged =
        GitRepoCondition.merge(
            List.of(
                condition("GitPolling", "True"),
                condition("Ready", "True"),
                condition("GitPolling", "False")),
            List.of(condition("GitPolling", "True")));

    assertThat(merged)
        .extracting(GitRepoCondition::getType, GitRepoCondition::getStatus)
        .containsExactly(tuple("GitPolling", "True"), tuple("Ready", "True"));
  }

  private static GitRepoCondition condition(String type, String status) {
    GitRepoCondition condition = new GitRepoCondition();
    condition.setType(type);
    condition.setStatus(status);
    return condition;
  }
}
