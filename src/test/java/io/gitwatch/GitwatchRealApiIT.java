package io.gitwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import io.gitwatch.testing.RealApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built WAR on the managed Liberty against a real kube-apiserver, authenticated as the
 * project's own ServiceAccount with its own RBAC from {@code kubernetes/}: webhooks, polling,
 * Events and the polling Lease all work with exactly those grants.
 */
@EnabledIf("io.gitwatch.testing.RealApiServer#available")
@ExtendWith(ArquillianExtension.class)
class GitwatchRealApiIT {

  static RealApiServer api;
  static LoopbackGitServer git;

  final Gitwatch gitwatch = Gitwatch.testServer();

  // Arquillian builds the deployment before it deploys: the API server must be up by then.
  @Deployment(testable = false)
  static WebArchive war() throws IOException {
    api = new RealApiServer();
    api.start();
    api.apply("namespace.yaml");
    api.apply("serviceaccount.yaml");
    api.apply("rbac.yaml");
    api.client()
        .secrets()
        .inNamespace("gitwatch")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("gitjob-webhook")
                .withNamespace("gitwatch")
                .endMetadata()
                .withStringData(Map.of("github", "real-s3cret"))
                .build())
        .createOr(NonDeletingOperation::update);
    Path dir = Files.createTempDirectory("gitwatch-real-api");
    git = LoopbackGitServer.start(dir.resolve("repositories"));
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, api.kubeconfigFor("gitwatch", "gitwatch"));
    // Ordinal 500 outranks the test server's environment, which points at the mock API server.
    String config =
        "config_ordinal=500\n"
            + "gitwatch.store=kubernetes\n"
            + "gitwatch.kubernetes.kubeconfig="
            + kubeconfig
            + "\n"
            + "gitwatch.namespace=gitwatch\n";
    return OnTestServer.builtWar()
        .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties");
  }

  @AfterAll
  static void stopServers() {
    if (git != null) {
      git.close();
    }
    if (api != null) {
      api.stop();
    }
  }

  KubernetesClient admin() {
    return api.client();
  }

  GitRepo create(String namespace, String name, String repo, Consumer<GitRepoSpec> more) {
    api.namespace(namespace);
    var spec = new GitRepoSpec();
    spec.setRepo(repo);
    more.accept(spec);
    var gitRepo = new GitRepo();
    gitRepo.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .build());
    gitRepo.setSpec(spec);
    GitRepo created = admin().resources(GitRepo.class).resource(gitRepo).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                gitwatch
                    .get("health/ready")
                    .body()
                    .contains(
                        "\"gitrepos\":"
                            + admin()
                                .resources(GitRepo.class)
                                .inAnyNamespace()
                                .list()
                                .getItems()
                                .size()));
    return created;
  }

  GitRepo get(String namespace, String name) {
    return admin().resources(GitRepo.class).inNamespace(namespace).withName(name).get();
  }

  @Test
  void aVerifiedPushWritesOnlyStatusAndCommitFollowsTheRemote() {
    git.createRepository("pushed");
    git.commit("pushed", "main");
    create(
        "real-push",
        "app",
        git.url("pushed"),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1h");
        });
    String pushed = git.commit("pushed", "main");
    var answer = gitwatch.pushToMain(git.url("pushed"), pushed, "real-s3cret");

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).contains("\"updated\":[\"real-push/app\"]");
    GitRepo gitRepo = get("real-push", "app");
    assertThat(gitRepo.getStatus().getWebhookCommit()).isEqualTo(pushed);
    assertThat(gitRepo.getStatus().getLastWebhookTime()).isNotBlank();
    assertThat(gitRepo.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(gitRepo.getSpec().getPollingInterval()).isEqualTo("1h");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> pushed.equals(get("real-push", "app").getStatus().getCommit()));
  }

  @Test
  void pollingWritesTheHeadOnceAndAnUnchangedHeadWritesNothing() {
    git.createRepository("polled");
    String head = git.commit("polled", "main");
    create(
        "real-poll",
        "app",
        git.url("polled"),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1s");
        });

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              GitRepo g = get("real-poll", "app");
              return g.getStatus() != null && head.equals(g.getStatus().getCommit());
            });
    GitRepo polled = get("real-poll", "app");
    assertThat(polled.getStatus().getPollingCommit()).isEqualTo(head);
    assertThat(polled.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("GitPolling");
              assertThat(c.getStatus()).isEqualTo("True");
            });

    String version = polled.getMetadata().getResourceVersion();
    int polls = git.infoRefsRequests("polled");
    await().atMost(Duration.ofSeconds(20)).until(() -> git.infoRefsRequests("polled") >= polls + 3);
    assertThat(get("real-poll", "app").getMetadata().getResourceVersion()).isEqualTo(version);

    assertThat(admin().v1().events().inNamespace("real-poll").list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("GotNewCommit"));
    Lease lease = admin().leases().inNamespace("gitwatch").withName("gitwatch-polling").get();
    assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
  }
}
