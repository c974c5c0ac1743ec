package io.gitwatch.gitrepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gitwatch.testing.Fuzzing;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Any string is either a repository key or not one: {@link RepoKey#of} never throws. Seeds: the
 * URLs of RepoKeyTest, in {@code src/test/resources/io/gitwatch/gitrepo/RepoKeyFuzzTestInputs/of}.
 */
class RepoKeyFuzzTest {

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void of(byte[] bytes) {
    String url = new String(bytes, StandardCharsets.UTF_8);

    Optional<RepoKey> key = RepoKey.of(url);

    assertNotNull(key);
    key.ifPresent(k -> assertEquals(k, RepoKey.of(url).orElseThrow())); // deterministic
  }
}
