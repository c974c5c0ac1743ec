package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.gitrepo.FileGitRepoStore;
import io.gitwatch.gitrepo.FileStores;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.GitRepoIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receiver URLs: the digest, the lookup, and what a rotated token does to both. */
class ReceiversTest {

  static final GitRepoId APP = new GitRepoId("team-a", "app");
  // printf '%s' 'team-a/app/s3cr3t-token' | sha256sum
  static final String OLD = "65155d7dd610391aa2ab95f60c3d4e57d73ac08d2c6526a883533f9633a395bb";
  // printf '%s' 'team-a/app/n3w-token' | sha256sum
  static final String NEW = "28ad98e0f45f1478a5286b1f3b57d126a25fb9555dd3fd1bdfc9860c415b70de";

  @TempDir Path dir;

  final GitRepoIndex index = new GitRepoIndex();
  FileGitRepoStore store;

  @AfterEach
  void stopStore() {
    if (store != null) {
      FileStores.stop(store);
    }
  }

  @Test
  void theDigestIsTheSha256OfNamespaceNameAndTokenInLowercaseHex() {
    assertThat(ReceiverIndex.digest(APP, "s3cr3t-token")).isEqualTo(OLD);
    assertThat(ReceiverIndex.digest(APP, "n3w-token")).isEqualTo(NEW);
  }

  @Test
  void aGitRepoIsFoundByTheDigestOfItsToken() throws IOException {
    Receivers receivers = receivers(Map.of("token", "s3cr3t-token"));

    assertThat(receivers.find(OLD)).map(g -> g.id()).contains(APP);
    assertThat(receivers.published(APP)).contains(OLD);
    assertThat(receivers.find(NEW)).isEmpty();
    assertThat(receivers.find(OLD.toUpperCase())).isEmpty();
    assertThat(receivers.find("not-a-digest")).isEmpty();
  }

  @Test
  void aRotatedTokensOldUrlFindsNothingEvenBeforeTheIndexIsRefreshed() throws IOException {
    Receivers receivers = receivers(Map.of("token", "s3cr3t-token"));

    writeManifests(Map.of("token", "n3w-token"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.secret("team-a", "hook").orElseThrow().get("token").equals("n3w-token"));

    // The index still holds the old digest: the check against the current token refuses it.
    assertThat(receivers.published(APP)).contains(OLD);
    assertThat(receivers.find(OLD)).isEmpty();

    receivers.refreshAll();

    assertThat(receivers.published(APP)).contains(NEW);
    assertThat(receivers.find(NEW)).map(g -> g.id()).contains(APP);
    assertThat(receivers.find(OLD)).isEmpty();
  }

  @Test
  void eachLineOfTheTokenKeyHasAUrlAndTheFirstIsPublished() throws IOException {
    Receivers receivers = receivers(Map.of("token", "n3w-token\ns3cr3t-token\n"));

    assertThat(receivers.published(APP)).contains(NEW);
    assertThat(receivers.find(NEW)).isPresent();
    assertThat(receivers.find(OLD)).isPresent();
  }

  @Test
  void aGitRepoWithoutATokenOrWithAnEmptyOneHasNoUrl() throws IOException {
    Receivers noKey = receivers(Map.of("github", "s3cret"));
    assertThat(noKey.published(APP)).isEmpty();
    FileStores.stop(store);

    Receivers empty = receivers(Map.of("token", ""));
    assertThat(empty.published(APP)).isEmpty();
    assertThat(empty.find(ReceiverIndex.digest(APP, ""))).isEmpty();
  }

  @Test
  void aDeletedGitRepoLosesItsUrl() throws IOException {
    Receivers receivers = receivers(Map.of("token", "s3cr3t-token"));

    Files.delete(dir.resolve("app.yaml"));
    await().atMost(Duration.ofSeconds(10)).until(() -> index.get(APP).isEmpty());
    receivers.refresh(APP);

    assertThat(receivers.published(APP)).isEmpty();
    assertThat(receivers.find(OLD)).isEmpty();
  }

  @Test
  void theIndexReplacesAGitReposDigestsWholeAndForgetsThemOnRemoval() {
    var receiverIndex = new ReceiverIndex();
    GitRepoId other = new GitRepoId("team-b", "app");

    String othersDigest = ReceiverIndex.digest(other, "s3cr3t-token");

    receiverIndex.update(APP, List.of("s3cr3t-token"));
    receiverIndex.update(other, List.of("s3cr3t-token"));
    receiverIndex.update(APP, List.of("n3w-token"));

    assertThat(receiverIndex.find(OLD)).isEmpty();
    assertThat(receiverIndex.find(NEW)).contains(APP);
    assertThat(receiverIndex.published(APP)).contains(NEW);
    assertThat(receiverIndex.find(othersDigest)).contains(other);
    receiverIndex.remove(APP);
    assertThat(receiverIndex.find(NEW)).isEmpty();
    assertThat(receiverIndex.published(APP)).isEmpty();
    assertThat(receiverIndex.find(othersDigest)).contains(other);
  }

  private Receivers receivers(Map<String, String> secret) throws IOException {
    writeManifests(secret);
    store = FileStores.start(dir, index);
    var secrets = new WebhookSecrets();
    secrets.store = store;
    secrets.namespace = "gitwatch";
    var receivers = new Receivers();
    receivers.gitRepos = index;
    receivers.secrets = secrets;
    receivers.writer = new ReceiverStatusWriter();
    receivers.writer.store = store;
    receivers.refreshAll();
    assertThat(index.get(APP)).isPresent();
    return receivers;
  }

  private void writeManifests(Map<String, String> secret) throws IOException {
    StringBuilder data = new StringBuilder();
    secret.forEach(
        (k, v) ->
            data.append("  ")
                .append(k)
                .append(": \"")
                .append(v.replace("\n", "\\n"))
                .append("\"\n"));
    Files.writeString(
        dir.resolve("app.yaml"),
        """
        apiVersion: fleet.cattle.io/v1alpha1
        kind: GitRepo
        metadata:
          namespace: team-a
          name: app
        spec:
          repo: https://github.com/acme/app
          webhookSecret: hook
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          namespace: team-a
          name: hook
        stringData:
        """
            + data);
  }
}
