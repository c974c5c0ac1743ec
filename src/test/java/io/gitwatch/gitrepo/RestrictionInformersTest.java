package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.testing.ApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fleet's restriction objects, watched in fabric8's mock API server with Fleet's own CRDs. */
class RestrictionInformersTest {

  final ApiServer api = ApiServer.start();
  final RestrictionInformers informers = new RestrictionInformers(api.client());

  @AfterEach
  void stop() {
    informers.stop();
    api.stop();
  }

  @Test
  void appliesARestrictionCreatedWhileWatching() {
    informers.start(List.of());
    await().until(informers::isSynced);
    assertThat(informers.of("team-a").admit(spec("https://evil.example/x")).allowed()).isTrue();

    RestrictionObjects.gitRepoRestriction(
        api.client(),
        "team-a",
        "only-github",
        Map.of("allowedRepoPatterns", List.of("^https://github\\.com/")));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !informers.of("team-a").admit(spec("https://evil.example/x")).allowed());
    assertThat(informers.of("team-a").admit(spec("https://github.com/team-a/app")).allowed())
        .isTrue();
    assertThat(informers.of("team-b").admit(spec("https://evil.example/x")).allowed()).isTrue();
  }

  @Test
  void combinesPoliciesAndRestrictionsOfOneNamespaceAndForgetsDeletedOnes() {
    RestrictionObjects.policy(
        api.client(), "team-a", "policy", Map.of("defaultClientSecretName", "from-policy"));
    RestrictionObjects.gitRepoRestriction(
        api.client(),
        "team-a",
        "restriction",
        Map.of("allowedClientSecretNames", List.of("from-policy", "other")));
    informers.start(List.of("team-a"));
    await().until(informers::isSynced);

    Admission admission = informers.of("team-a").admit(spec("https://github.com/x"));
    assertThat(admission.clientSecretName()).isEqualTo("from-policy");
    assertThat(informers.of("team-a").admit(withSecret("third")).allowed()).isFalse();

    api.client()
        .genericKubernetesResources(RestrictionInformers.GIT_REPO_RESTRICTIONS)
        .inNamespace("team-a")
        .withName("restriction")
        .delete();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> informers.of("team-a").admit(withSecret("third")).allowed());
  }

  @Test
  void refusesEverythingUntilLoaded() {
    assertThat(informers.of("team-a").admit(spec("https://github.com/x")).allowed()).isFalse();
  }

  private static GitRepoSpec spec(String repo) {
    var spec = new GitRepoSpec();
    spec.setRepo(repo);
    return spec;
  }

  private static GitRepoSpec withSecret(String secret) {
    GitRepoSpec spec = spec("https://github.com/x");
    spec.setClientSecretName(secret);
    return spec;
  }
}
