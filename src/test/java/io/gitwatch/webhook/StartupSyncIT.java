package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.Gitwatch.Answer;
import java.io.File;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A delivery that arrives before the GitRepos are loaded is answered 503 with Retry-After and not
 * remembered, so the provider's redelivery, once they are loaded, lands.
 */
@ExtendWith({ApiServer.Shared.class, ArquillianExtension.class})
class StartupSyncIT {

  static final String SECRET = "startup-s3cret";
  static final String COMMIT = "5ea1ed5ea1ed5ea1ed5ea1ed5ea1ed5ea1ed5ea1";

  @ArquillianResource Deployer deployer;

  final ApiServer api = ApiServer.shared();
  final GitRepos gitRepos = new GitRepos(api.client());
  final Gitwatch gitwatch = Gitwatch.testServer();

  @Deployment(name = "gitwatch", managed = false, testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("it.war")));
  }

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
      deployer.deploy("gitwatch");
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
      deployer.undeploy("gitwatch");
      gitRepos.delete("startup", "app");
    }
  }
}
