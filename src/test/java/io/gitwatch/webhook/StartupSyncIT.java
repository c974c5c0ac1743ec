package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitwatch.testing.Gitwatch.Answer;
import io.gitwatch.testing.OnTestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A delivery that arrives before the GitRepos are loaded is answered 503 with Retry-After and not
 * remembered, so the provider's redelivery, once they are loaded, lands.
 */
class StartupSyncIT extends OnTestServer.DeployedByTest {

  static final String SECRET = "startup-s3cret";
  static final String COMMIT = "5ea1ed5ea1ed5ea1ed5ea1ed5ea1ed5ea1ed5ea1";

  @Test
  void aDeliveryBeforeTheGitReposAreLoadedIsRefusedAndItsRedeliveryLands() {
    String repo = "https://github.com/startup/app";
    gitRepos.create(
        "startup",
        "app",
        repo,
        s -> {
          s.setBranch("main");
          s.setWebhookSecret("startup-hook");
          s.setDisablePolling(true);
        });
    gitRepos.secret("startup", "startup-hook", Map.of("github", SECRET));
    int loaded = gitRepos.count();
    api.stopAnswering();
    try {
      deployer.deploy(WAR);
      Answer early = gitwatch.pushToMain(repo, COMMIT, SECRET, "startup-1");

      assertThat(early.status()).isEqualTo(503);
      assertThat(early.json().getString("error")).isEqualTo("not_ready");
      assertThat(early.header("Retry-After")).isPresent();

      api.answerAgain();
      gitwatch.awaitGitRepos(loaded);
      Answer redelivered = gitwatch.pushToMain(repo, COMMIT, SECRET, "startup-1");

      assertThat(redelivered.status()).isEqualTo(200);
      assertThat(redelivered.json().getJsonArray("updated").getString(0)).isEqualTo("startup/app");
      assertThat(gitRepos.get("startup", "app").status().getWebhookCommit()).isEqualTo(COMMIT);
    } finally {
      api.answerAgain();
      deployer.undeploy(WAR);
      gitRepos.delete("startup", "app");
    }
  }
}
