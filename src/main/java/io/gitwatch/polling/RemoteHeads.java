package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.gitrepo.RepoKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.URIish;

/**
 * Reads the commit a GitRepo should be at from its remote with one ls-remote (JGit): the pinned
 * SHA, the peeled tag, the branch, or the branch the remote's {@code HEAD} points to.
 *
 * <p>GitRepos of one repository share ls-remotes ({@link SharedAnswers}): {@link #poll} reuses a
 * recent answer for the same repository ({@link RepoKey}, so {@code .../r} and {@code .../r.git}
 * are one), credentials and transport options, and never starts a second call while one is in
 * flight. Only calls that really talk to a remote take one of {@link Limits#maxConcurrent()} slots.
 */
public class RemoteHeads {

  private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");

  /**
   * The bounds of remote calls.
   *
   * @param timeout of one ls-remote as a whole, however slowly the remote sends
   * @param maxAdvertisementBytes read from the remote in one ls-remote
   * @param maxConcurrent ls-remotes talking to remotes at once
   * @param maxSharedBytes answers kept for sharing, in (estimated) bytes
   */
  public record Limits(
      Duration timeout, long maxAdvertisementBytes, int maxConcurrent, long maxSharedBytes) {

    public static final long DEFAULT_MAX_ADVERTISEMENT_BYTES = 8L << 20;
    public static final long DEFAULT_MAX_SHARED_BYTES = 64L << 20;

    public Limits {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, not " + timeout);
      }
      if (maxAdvertisementBytes <= 0 || maxConcurrent <= 0 || maxSharedBytes < 0) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }

    /** The defaults with this timeout. */
    public static Limits of(Duration timeout) {
      return new Limits(timeout, DEFAULT_MAX_ADVERTISEMENT_BYTES, 16, DEFAULT_MAX_SHARED_BYTES);
    }
  }

  /**
   * Nothing was asked, try again shortly (not a failure of the GitRepo): the repository's call is
   * in flight, or every slot is taken.
   */
  public static final class Busy extends RuntimeException {
    Busy() {
      super("the repository's ls-remote is in flight, or every slot is taken", null, false, false);
    }
  }

  private final LsRemote lsRemote;
  private final SharedAnswers shared;

  /**
   * Default limits, every scheme allowed, no proxies: for tools and tests that poll what they are
   * told.
   */
  public RemoteHeads(Duration timeout) {
    this(Limits.of(timeout), EgressPolicy.permissive(), Proxies.none());
  }

  RemoteHeads(Limits limits, EgressPolicy egress, Proxies proxies) {
    this.lsRemote = new LsRemote(limits, egress, proxies);
    this.shared = new SharedAnswers(limits);
  }

  /**
   * The head of one GitRepo from a fresh ls-remote: {@code spec.revision} when it is a full SHA
   * (without contacting the remote) or a tag, else {@code spec.branch}, else the remote's default
   * branch.
   *
   * @throws RemoteHeadsException with a reason and a message fit for the GitRepo's condition
   */
  public Head resolve(GitRepoSpec spec, Credentials credentials) {
    lsRemote.check(spec.getRepo());
    String revision = spec.getRevision();
    if (isSet(revision) && FULL_SHA.matcher(revision.strip()).matches()) {
      return pick(null, spec);
    }
    checkNames(spec); // before the remote call a typo would cost
    return pick(lsRemote.call(spec.getRepo(), credentials, TransportOptions.of(spec)), spec);
  }

  /**
   * As {@link #resolve}, sharing the answer (refs or failure) of a call to the same repository that
   * started at {@code sharedSinceNanos} (a {@link System#nanoTime()} instant) or later.
   *
   * @throws Busy when the call of this repository is in flight (come back for its answer), or the
   *     remote would have to be asked and every slot is taken
   */
  public Answer poll(GitRepoSpec spec, Credentials credentials, long sharedSinceNanos) {
    URIish uri = lsRemote.check(spec.getRepo());
    String revision = spec.getRevision();
    if (isSet(revision) && FULL_SHA.matcher(revision.strip()).matches()) {
      return new Answer(pick(null, spec), System.nanoTime());
    }
    checkNames(spec); // before the remote call a typo would cost
    TransportOptions options = TransportOptions.of(spec);
    SharedAnswers.Answer answer =
        shared.get(
            key(uri, credentials, options),
            sharedSinceNanos,
            () -> lsRemote.call(spec.getRepo(), credentials, options));
    return new Answer(pick(answer.refs(), spec), answer.startedNanos());
  }

  /**
   * A GitRepo's head, and when the ls-remote it was read from started (a {@link System#nanoTime()}
   * instant): of two answers for one GitRepo, the one asked later is the newer, whichever comes
   * back first.
   */
  public record Answer(Head head, long askedNanos) {
    public String commit() {
      return head.commit();
    }
  }

  /**
   * All refs of a remote, with one ls-remote of its own (no sharing, no slot), within the same
   * bounds and egress policy.
   *
   * @throws RemoteHeadsException with a reason and a message fit for a GitRepo's condition
   */
  public Refs listRefs(String url, Credentials credentials, TransportOptions options) {
    return lsRemote.call(url, credentials, options);
  }

  /**
   * The head one GitRepo wants from a remote's refs (see {@link #resolve}); {@code refs} may be
   * null when {@code spec.revision} is a full SHA.
   *
   * @throws RemoteHeadsException when the tag, the branch or {@code HEAD} is not there
   */
  public static Head pick(Refs refs, GitRepoSpec spec) {
    String revision = spec.getRevision();
    if (isSet(revision) && FULL_SHA.matcher(revision.strip()).matches()) {
      // Lower case, as git prints SHAs and webhooks send them, so equal commits compare equal.
      return new Head(revision.strip().toLowerCase(Locale.ROOT), null);
    }
    checkNames(spec);
    Objects.requireNonNull(refs, "refs are needed unless spec.revision is a full SHA");
    if (isSet(revision)) {
      String ref = Constants.R_TAGS + revision;
      return new Head(
          commit(refs, ref, () -> "tag " + revision + " not found in " + refs.repo()), ref);
    }
    String branch = spec.getBranch();
    if (isSet(branch)) {
      String ref = Constants.R_HEADS + branch;
      return new Head(
          commit(refs, ref, () -> "branch " + branch + " not found in " + refs.repo()), ref);
    }
    return defaultBranch(refs);
  }

  /** Runs {@code listener} before every ls-remote that {@link #poll} really makes. */
  void onRemoteCall(Runnable listener) {
    shared.onCall(listener);
  }

  /**
   * Whether {@code url} may be polled at all (parses, scheme allowed), before credentials are read.
   */
  void check(String url) {
    lsRemote.check(url);
  }

  /** The branch {@code HEAD} points to; without the symref, the one branch at HEAD's commit. */
  private static Head defaultBranch(Refs refs) {
    String head = refs.commits().get(Constants.HEAD);
    if (head == null) {
      throw new RemoteHeadsException(
          FailureReason.REF_NOT_FOUND,
          refs.repo() + " has no HEAD (is it empty?): set spec.branch to the branch to follow");
    }
    if (refs.head() != null && refs.commits().containsKey(refs.head())) {
      return new Head(refs.commits().get(refs.head()), refs.head());
    }
    List<String> branches =
        refs.commits().entrySet().stream()
            .filter(ref -> ref.getKey().startsWith(Constants.R_HEADS))
            .filter(ref -> ref.getValue().equals(head))
            .map(Map.Entry::getKey)
            .toList();
    return new Head(head, branches.size() == 1 ? branches.get(0) : Constants.HEAD);
  }

  private static String commit(Refs refs, String ref, Supplier<String> notFound) {
    String commit = refs.commits().get(ref);
    if (commit == null) {
      throw new RemoteHeadsException(FailureReason.REF_NOT_FOUND, notFound.get());
    }
    return commit;
  }

  /** Rejects names git would never accept (Fleet validates branches the same way). */
  private static void checkNames(GitRepoSpec spec) {
    String revision = spec.getRevision();
    if (isSet(revision)) {
      if (!Repository.isValidRefName(Constants.R_TAGS + revision)) {
        throw new RemoteHeadsException(
            FailureReason.INVALID_SPEC,
            "spec.revision "
                + revision
                + " is neither a full commit SHA (40 or 64 hex digits) nor a valid tag name");
      }
      return;
    }
    String branch = spec.getBranch();
    if (isSet(branch) && !Repository.isValidRefName(Constants.R_HEADS + branch)) {
      throw new RemoteHeadsException(
          FailureReason.INVALID_SPEC, "spec.branch " + branch + " is not a valid branch name");
    }
  }

  /**
   * Equal keys get equal answers: the repository as {@link RepoKey} canonicalises it, plus what
   * else changes the answer or who may see it: the transport (an {@code http} answer must not stand
   * in for {@code https}), the port, the URL's own user info, the credentials and TLS options.
   */
  private static SharedAnswers.Key key(
      URIish uri, Credentials credentials, TransportOptions options) {
    String url = uri.toString();
    String repository =
        RepoKey.of(url).map(RepoKey::toString).orElse(RemoteHeadsException.withoutUserInfo(url));
    return new SharedAnswers.Key(
        EgressPolicy.schemeOf(uri) + ":" + uri.getPort() + ":" + repository,
        uri.getUser() + ":" + uri.getPass(),
        credentials == null ? Credentials.none() : credentials,
        options == null ? TransportOptions.defaults() : options);
  }

  private static boolean isSet(String text) {
    return text != null && !text.isBlank();
  }

  /** The read timeout as JGit applies it, in whole seconds. */
  int timeoutSeconds() {
    return lsRemote.timeoutSeconds();
  }
}
