package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoChanged;
import io.gitwatch.gitrepo.GitRepoSpec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSecretsTest {

  static final byte[] BODY = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);

  final WebhookSecrets secrets = new WebhookSecrets();
  final WebhookSecrets.SecretRef ref = new WebhookSecrets.SecretRef("team", "hook", true);
  final GitHub github = new GitHub(false);

  boolean verifies(WebhookSecret secret, String signedWith) {
    Delivery delivery =
        Delivery.json(
            Map.of(
                "X-Hub-Signature-256",
                "sha256=" + SignaturesTest.hmac("HmacSHA256", signedWith, BODY)),
            BODY);
    return github.verify(delivery, secret).verified();
  }

  @Test
  void aRotatedSecretTakesEffectAtTheNextReadOfTheSecret() {
    assertThat(verifies(secrets.parsed(ref, Map.of("github", "old")), "old")).isTrue();

    WebhookSecret rotated = secrets.parsed(ref, Map.of("github", "new"));

    assertThat(verifies(rotated, "new")).isTrue();
    assertThat(verifies(rotated, "old")).isFalse();
  }

  @Test
  void aSecretWhoseDataIsUnchangedIsSplitIntoLinesOnlyOnce() {
    Map<String, String> data = Map.of("github", "one\ntwo\n");
    WebhookSecret first = secrets.parsed(ref, data);

    assertThat(secrets.parsed(ref, data)).isSameAs(first);
    // The store reads the Secret again: equal data keeps the parsed secrets and their keyed MACs.
    WebhookSecret reread = secrets.parsed(ref, new HashMap<>(data));
    assertThat(reread.lines("github")).isEqualTo(first.lines("github"));
    assertThat(reread.lines("github").get(1)).isSameAs(first.lines("github").get(1));
    assertThat(verifies(reread, "two")).isTrue();
  }

  @Test
  void aGitRepoThatIsDeletedOrNamesAnotherSecretLetsItsSecretGo() {
    Map<String, String> data = Map.of("github", "s3cret");
    WebhookSecret parsed = secrets.parsed(ref, data);

    secrets.onChanged(new GitRepoChanged(gitRepo("hook"), gitRepo("hook")));
    assertThat(secrets.parsed(ref, data)).isSameAs(parsed);

    secrets.onChanged(new GitRepoChanged(gitRepo("hook"), gitRepo("other-hook")));
    WebhookSecret again = secrets.parsed(ref, data);
    assertThat(again).isNotSameAs(parsed);

    secrets.onChanged(new GitRepoChanged(gitRepo("hook"), null));
    assertThat(secrets.parsed(ref, data)).isNotSameAs(again);
  }

  static GitRepo gitRepo(String webhookSecret) {
    var gitRepo = new GitRepo();
    gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("team").withName("app").build());
    var spec = new GitRepoSpec();
    spec.setRepo("https://github.com/acme/app");
    spec.setWebhookSecret(webhookSecret);
    gitRepo.setSpec(spec);
    return gitRepo;
  }
}
