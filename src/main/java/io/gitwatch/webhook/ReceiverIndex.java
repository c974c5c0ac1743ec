package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepoId;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which GitRepo a receiver URL {@code /hook/<digest>} belongs to, in O(1): the digest is the
 * lowercase hex SHA-256 of {@code <namespace>/<name>/<token>}, one per line of the {@code token}
 * key of the GitRepo's webhook Secret. A hit is only a candidate: {@link Receivers} checks it
 * against the current token before trusting it.
 */
final class ReceiverIndex {

  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

  private final Map<String, GitRepoId> byDigest = new ConcurrentHashMap<>();
  // The digests of each GitRepo, the first one published; replaced whole under this' lock.
  private final Map<GitRepoId, List<String>> ofGitRepo = new ConcurrentHashMap<>();

  /** The receiver digest of a GitRepo for one token. */
  static String digest(GitRepoId id, String token) {
    return HexFormat.of()
        .formatHex(Signatures.digest(id.namespace() + "/" + id.name() + "/" + token));
  }

  /** Whether a path segment can be a digest at all: anything else is not looked up. */
  static boolean wellFormed(String digest) {
    return digest != null && DIGEST.matcher(digest).matches();
  }

  /** Replaces a GitRepo's digests by those of {@code tokens} (none: the GitRepo has no URL). */
  synchronized void update(GitRepoId id, List<String> tokens) {
    List<String> digests = tokens.stream().map(t -> digest(id, t)).distinct().toList();
    List<String> previous = ofGitRepo.getOrDefault(id, List.of());
    if (previous.equals(digests)) {
      return;
    }
    previous.forEach(d -> byDigest.remove(d, id));
    digests.forEach(d -> byDigest.put(d, id));
    if (digests.isEmpty()) {
      ofGitRepo.remove(id);
    } else {
      ofGitRepo.put(id, digests);
    }
  }

  synchronized void remove(GitRepoId id) {
    update(id, List.of());
  }

  /** The GitRepo a digest was computed for, when the index knows it. */
  Optional<GitRepoId> find(String digest) {
    return wellFormed(digest) ? Optional.ofNullable(byDigest.get(digest)) : Optional.empty();
  }

  /** The digest a GitRepo's URL is published with: that of the first token line. */
  Optional<String> published(GitRepoId id) {
    return ofGitRepo.getOrDefault(id, List.of()).stream().findFirst();
  }
}
