package io.gitwatch.gitrepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RepoKeyTest {

  @ParameterizedTest(name = "{0} has the key {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          https://github.com/example/repo                          | github.com/example/repo
          https://GitHub.com/Example/Repo.git                      | github.com/example/repo
          git@github.com:example/repo.git                          | github.com/example/repo
          https://gitlab.example.com/Group/Sub/Repo                | gitlab.example.com/Group/Sub/Repo
          https://dev.azure.com/fleet/git-test/_git/git-test       | dev.azure.com/fleet/git-test/git-test
          git@ssh.dev.azure.com:v3/fleet/git-test/git-test         | dev.azure.com/fleet/git-test/git-test
          https://dev.azure.com/fleet/git%20test/_git/git%20test   | dev.azure.com/fleet/git test/git test
          file:///srv/git/repo.git                                 | /srv/git/repo
          ssh://git@[::1]:2222/o/r                                 | [::1]/o/r
          https://.*/example/repo                                  | .*/example/repo
          """)
  void computesTheCanonicalKey(String url, String key) {
    assertEquals(key, RepoKey.of(url).orElseThrow().toString());
  }

  @ParameterizedTest(name = "{0} is the same repository as {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # Fleet's worked table (spec §2.3), each matching row as keys that are equal.
          https://github.com/example/repo                             | https://github.com/example/repo
          git@github-ssh.example.com:example/repo.git                 | git@github-ssh.example.com:example/repo.git
          git@github.com:example/repo.git                             | https://github.com/example/repo
          git@gitlab-ssh.example.com:example/repo.git                 | git@gitlab-ssh.example.com:example/repo.git
          git@gogs-ssh.example.com:example/repo.git                   | git@gogs-ssh.example.com:example/repo.git
          https://dev.azure.com/fleet/git-test/_git/git-test          | https://dev.azure.com/fleet/git-test/_git/git-test
          https://fleet.visualstudio.com/git-test/_git/git-test       | https://dev.azure.com/fleet/git-test/_git/git-test
          https://dev.azure.com/fleet/git-test/_git/git-test          | git@ssh.dev.azure.com:v3/fleet/git-test/git-test
          https://dev.azure.com/fleet/git%20test/_git/git%20test      | https://dev.azure.com/fleet/git%20test/_git/git%20test
          # One repository in all the forms a user or a provider writes it.
          https://github.com/o/r                                      | https://github.com/o/r.git
          https://github.com/o/r                                      | https://github.com/o/r/
          https://github.com/o/r                                      | https://github.com/o/r.git/
          https://github.com/o/r                                      | https://github.com//o///r
          https://github.com/o/r                                      | http://github.com/o/r
          https://github.com/o/r                                      | ssh://git@github.com:22/o/r
          https://github.com/o/r                                      | ssh://git@github.com/o/r.git
          https://github.com/o/r                                      | git+ssh://git@github.com/o/r
          https://github.com/o/r                                      | git://github.com/o/r.git
          https://github.com/o/r                                      | github.com:o/r
          https://github.com/o/r                                      | git@github.com:/o/r.git
          https://github.com/o/r                                      | https://user:token@github.com/o/r.git
          https://github.com/o/r                                      | https://first.last@github.com:443/o/r
          https://github.com/o/r                                      | https://github.com./o/r
          https://github.com/o/r                                      | HTTPS://GITHUB.COM/O/R
          https://github.com/o/r                                      | '  https://github.com/o/r  '
          https://github.com/o/r                                      | ssh://git@ssh.github.com:443/o/r.git
          https://github.com/o/r                                      | https://github.com/o/r?tab=readme#top
          https://bitbucket.org/Team/Repo                             | git@bitbucket.org:team/repo.git
          https://bitbucket.example.com/scm/prj/repo.git              | ssh://git@bitbucket.example.com:7999/scm/prj/repo.git
          https://gitlab.example.com/group/sub/subsub/repo            | git@gitlab.example.com:group/sub/subsub/repo.git
          https://gitlab.example.com/group/sub/subsub/repo            | ssh://git@gitlab.example.com:2222/group/sub/subsub/repo
          https://gitea.example.com/o/r                               | https://gitea.example.com/o/r%2Egit
          https://example.com/o/my%20repo                             | https://example.com/o/my repo
          https://example.com/o/caf%C3%A9                             | https://example.com/o/café
          https://example.com/o/a+b                                   | https://example.com/o/a%2Bb
          git@[::1]:o/r.git                                           | ssh://git@[::1]:22/o/r
          file:///srv/git/repo                                        | file://localhost/srv/git/repo.git
          # Azure DevOps, every form of one repository.
          https://dev.azure.com/fleet/git-test/_git/git-test          | https://fleet@dev.azure.com/fleet/git-test/_git/git-test
          https://dev.azure.com/fleet/git-test/_git/git-test          | https://fleet.visualstudio.com/DefaultCollection/git-test/_git/git-test
          https://dev.azure.com/fleet/git-test/_git/git-test          | git@vs-ssh.visualstudio.com:v3/fleet/git-test/git-test
          https://dev.azure.com/fleet/git-test/_git/git-test          | ssh://git@ssh.dev.azure.com/v3/fleet/git-test/git-test
          https://dev.azure.com/fleet/git-test/_git/git-test          | https://dev.azure.com/Fleet/Git-Test/_git/Git-Test
          https://dev.azure.com/fleet/git-test/_git/git-test          | https://dev.azure.com/fleet/_git/git-test
          https://dev.azure.com/fleet/git%20test/_git/git%20test      | git@ssh.dev.azure.com:v3/fleet/git%20test/git%20test
          https://dev.azure.com/fleet/git%20test/_git/git%20test      | https://fleet.visualstudio.com/git%20test/_git/git%20test
          https://dev.azure.com/fleet/git%20test/_git/git%20test      | https://dev.azure.com/fleet/git test/_git/git test
          """)
  void equatesTheFormsOfOneRepository(String a, String b) {
    Optional<RepoKey> key = RepoKey.of(a);
    assertTrue(key.isPresent(), a);
    assertEquals(key, RepoKey.of(b));
  }

  @ParameterizedTest(name = "{0} is not the same repository as {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # Fleet's worked table (spec §2.3), each row that must not match.
          https://github.com/example/repo                   | https://github.com/example/repo-with-suffix
          https://.*/example/repo                           | https://github.com/example/repo
          https://github.com/.*/.*                          | https://github.com/example/repo
          https://.*/.*                                     | https://github.com/example/repo
          # What Fleet's unanchored or case-folded regex matched by mistake (spec §6.1 item 11).
          https://proxy/https://github.com/o/r              | https://github.com/o/r
          git@ssh.example.com:o/r                           | git@example.com:o/r
          https://gitlab.example.com/Group/Repo             | https://gitlab.example.com/group/repo
          https://gitea.example.com/o/Repo                  | https://gitea.example.com/o/repo
          # Different repositories.
          https://github.com/o/repo                         | https://github.com/o/repo-suffix
          https://github.com/o/repo                         | https://github.com/o/prefix-repo
          https://github.com/o/r                            | https://gitlab.com/o/r
          https://github.com/o/r                            | https://github.com.evil.example/o/r
          https://github.com/o/r                            | https://github.com/other/r
          https://github.com/o/r                            | https://github.com/o/r/extra
          https://gitlab.example.com/group/sub/repo         | https://gitlab.example.com/group/repo
          https://github.com/o/r                            | file:///o/r
          https://example.com/o/a+b                         | https://example.com/o/a b
          https://dev.azure.com/fleet/git-test/_git/git-test | https://dev.azure.com/fleet/other/_git/git-test
          https://dev.azure.com/fleet/git-test/_git/git-test | https://other.visualstudio.com/git-test/_git/git-test
          """)
  void distinguishesDifferentRepositories(String a, String b) {
    Optional<RepoKey> key = RepoKey.of(a);
    assertTrue(key.isPresent(), a);
    assertNotEquals(key, RepoKey.of(b));
  }

  @ParameterizedTest(name = "refuses \"{0}\"")
  @NullAndEmptySource
  @ValueSource(
      strings = {
        " ",
        "garbage",
        "/srv/git/repo",
        "./repo",
        "repo.git",
        "https://github.com",
        "https://github.com/",
        "https://github.com/.git",
        "https://github.com//",
        "https:///o/r",
        "https://user@/o/r",
        "https://github.com:port/o/r",
        "https://[::1/o/r",
        "ftp://example.com/o/r",
        "mailto:someone@example.com",
        "javascript:alert(1)",
        "https://github.com/o/../r",
        "https://github.com/./o/r",
        "https://github.com/o/%zz",
        "https://github.com/o/r%",
        "https://github.com/o/%C3",
        "https://github.com/o/%00r",
        "https://git hub.com/o/r",
        "https://exa%6dple.com/o/r",
        "file://otherhost/srv/repo",
        ":o/r",
        "@:o/r",
        "git@github.com:",
        "git@github.com:/",
        "C:\\Users\\me\\repo",
        "gitserver:repo",
        "git@host name:o/r",
      })
  void refusesWhatIsNotARepositoryUrl(String url) {
    assertEquals(Optional.empty(), RepoKey.of(url));
  }

  @Test
  void refusesAVeryLongUrl() {
    String url = "https://github.com/o/" + "r".repeat(RepoKey.MAX_URL_CHARS);

    assertEquals(Optional.empty(), RepoKey.of(url));
  }

  @Test
  void neverThrowsForArbitraryInput() {
    Random random = new Random(20240601);
    String alphabet = "abcAZ09:/@.%[]?#\\ -_+~*$\u00e9\u0000\ud83d\ude00\ud800";
    String[] prefixes = {"", "https://", "ssh://git@", "git@", "file://", "https://dev.azure.com/"};
    Stream.generate(
            () -> {
              StringBuilder s = new StringBuilder(prefixes[random.nextInt(prefixes.length)]);
              int length = random.nextInt(40);
              for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
              }
              return s.toString();
            })
        .limit(20_000)
        .forEach(
            url ->
                RepoKey.of(url)
                    .ifPresent(
                        key -> {
                          String path = key.path();
                          assertTrue(
                              !path.isEmpty()
                                  && !path.startsWith("/")
                                  && !path.endsWith("/")
                                  && !path.contains("//"),
                              url);
                        }));
  }
}
