package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitwatch.gitrepo.FileGitRepoStore;
import io.gitwatch.gitrepo.FileStores;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoCondition;
import io.gitwatch.gitrepo.GitRepoIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WebhookReceiver condition, written into a manifest file by the file store. */
class ReceiverStatusWriterTest {

  static final String DIGEST = "65155d7dd610391aa2ab95f60c3d4e57d73ac08d2c6526a883533f9633a395bb";

  @TempDir Path dir;

  final GitRepoIndex index = new GitRepoIndex();
  final ReceiverStatusWriter writer = new ReceiverStatusWriter();
  FileGitRepoStore store;

  @BeforeEach
  void start() throws IOException {
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
        status:
          conditions:
            - type: Ready
              status: "True"
        """);
    store = FileStores.start(dir, index);
    writer.store = store;
  }

  @AfterEach
  void stop() {
    FileStores.stop(store);
  }

  GitRepo app() {
    return index.get("team-a", "app").orElseThrow();
  }

  Optional<GitRepoCondition> receiverCondition() {
    return app().status().getConditions().stream()
        .filter(c -> c.getType().equals("WebhookReceiver"))
        .findFirst();
  }

  @Test
  void publishesThePathAsATrueConditionBesideTheOthers() throws IOException {
    writer.publish(app(), Optional.of(DIGEST));

    GitRepoCondition condition = receiverCondition().orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("True");
    assertThat(condition.getReason()).isEqualTo("Published");
    assertThat(condition.getMessage()).isEqualTo("POST /hook/" + DIGEST);
    assertThat(app().status().getConditions())
        .extracting(GitRepoCondition::getType)
        .containsExactly("Ready", "WebhookReceiver");
    assertThat(Files.readString(dir.resolve("app.yaml"))).contains("POST /hook/" + DIGEST);
  }

  @Test
  void writesNothingWhenTheConditionIsAlreadyThere() throws IOException {
    writer.publish(app(), Optional.of(DIGEST));
    Path file = dir.resolve("app.yaml");
    FileTime written = FileTime.fromMillis(0);
    Files.setLastModifiedTime(file, written);
    String content = Files.readString(file);

    writer.publish(app(), Optional.of(DIGEST));

    assertThat(Files.getLastModifiedTime(file)).isEqualTo(written);
    assertThat(Files.readString(file)).isEqualTo(content);
  }

  @Test
  void aUrlThatIsGoneIsSetFalseWithReasonNoToken() {
    writer.publish(app(), Optional.of(DIGEST));

    writer.publish(app(), Optional.empty());

    GitRepoCondition condition = receiverCondition().orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getReason()).isEqualTo("NoToken");
    assertThat(condition.getMessage()).doesNotContain(DIGEST);
  }

  @Test
  void aGitRepoThatNeverHadAUrlGetsNoCondition() throws IOException {
    Path file = dir.resolve("app.yaml");
    String content = Files.readString(file);

    writer.publish(app(), Optional.empty());

    assertThat(receiverCondition()).isEmpty();
    assertThat(Files.readString(file)).isEqualTo(content);
  }
}
