package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepoSpec;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;

/**
 * Reads the commit a GitRepo should be at from its remote with one ls-remote (JGit): the pinned
 * SHA, the peeled tag, the branch, or the branch the remote's {@code HEAD} points to.
 *
 * <p>{@link #listRefs} and {@link #pick} are the two halves of {@link #resolve}, so GitRepos that
 * share a URL, credentials and transport options can share one ls-remote.
 */
public class RemoteHeads {

  private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
  private static final Set<String> SSH_SCHEMES = Set.of("ssh", "ssh+git", "git+ssh");
  private static final Set<String> HTTP_SCHEMES = Set.of("http", "https");

  /** The SSH user when the URL names none, as Fleet does; JGit would use the local OS user. */
  private static final String SSH_USER = "git";

  private final int timeoutSeconds;

  /**
   * @param timeout applied to every remote call (JGit counts whole seconds: at least 1 s, rounded
   *     up); it bounds the connect and each read, not the call as a whole
   */
  public RemoteHeads(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
    this.timeoutSeconds = (int) Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000);
  }

  /**
   * The head of one GitRepo: {@code spec.revision} when it is a full SHA (without contacting the
   * remote) or a tag, else {@code spec.branch}, else the remote's default branch.
   *
   * @throws RemoteHeadsException with a message fit for the GitRepo's condition
   */
  public Head resolve(GitRepoSpec spec, Credentials credentials) {
    String revision = spec.getRevision();
    if (isSet(revision) && FULL_SHA.matcher(revision).matches()) {
      return pick(null, spec);
    }
    checkNames(spec); // before the remote call a typo would cost
    return pick(listRefs(spec.getRepo(), credentials, TransportOptions.of(spec)), spec);
  }

  /**
   * All refs of a remote, with one ls-remote.
   *
   * @param credentials applied to HTTP(S) and SSH URLs; an SSH URL requires {@link
   *     Credentials.Kind#SSH}
   * @throws RemoteHeadsException with a message fit for a GitRepo's condition
   */
  public Refs listRefs(String url, Credentials credentials, TransportOptions options) {
    if (!isSet(url)) {
      throw new RemoteHeadsException("spec.repo is empty");
    }
    Credentials auth = credentials == null ? Credentials.none() : credentials;
    TransportOptions tls = options == null ? TransportOptions.defaults() : options;
    String shown = RemoteHeadsException.withoutUserInfo(url);
    URIish uri;
    try {
      uri = new URIish(url);
    } catch (URISyntaxException e) {
      throw new RemoteHeadsException("repository URL " + shown + " is not a valid git URL");
    }
    boolean ssh = isSsh(uri);
    if (ssh && auth.kind() != Credentials.Kind.SSH) {
      throw new RemoteHeadsException(
          shown
              + " is an SSH URL: it needs a "
              + Credentials.SSH_AUTH
              + " Secret named by spec.clientSecretName");
    }
    if (!ssh && auth.kind() == Credentials.Kind.SSH) {
      throw new RemoteHeadsException(
          shown + " is not an SSH URL, but the credentials Secret holds an SSH key");
    }
    KnownHosts knownHosts = ssh ? KnownHosts.parse(auth.knownHosts()) : null;
    SshdSessionFactory sshSessions = ssh ? SshSessions.factory(auth, knownHosts) : null;
    TlsConnectionFactory http =
        HTTP_SCHEMES.contains(lower(uri.getScheme())) ? TlsConnectionFactory.of(tls) : null;
    String remote = ssh && uri.getUser() == null ? uri.setUser(SSH_USER).toString() : url;

    LsRemoteCommand lsRemote =
        Git.lsRemoteRepository()
            .setRemote(remote)
            .setTimeout(timeoutSeconds)
            .setTransportConfigCallback(
                transport -> configure(transport, shown, sshSessions, http, tls));
    if (auth.kind() == Credentials.Kind.BASIC) {
      lsRemote.setCredentialsProvider(
          new UsernamePasswordCredentialsProvider(auth.username(), auth.password()));
    }
    try {
      return Refs.of(shown, lsRemote.callAsMap());
    } catch (RemoteHeadsException e) {
      throw e;
    } catch (Exception e) {
      throw failure(shown, e, auth, knownHosts);
    } finally {
      if (sshSessions != null) {
        sshSessions.close();
      }
    }
  }

  /**
   * The head one GitRepo wants from a remote's refs (see {@link #resolve}); {@code refs} may be
   * null when {@code spec.revision} is a full SHA.
   *
   * @throws RemoteHeadsException when the tag, the branch or {@code HEAD} is not there
   */
  public static Head pick(Refs refs, GitRepoSpec spec) {
    String revision = spec.getRevision();
    if (isSet(revision) && FULL_SHA.matcher(revision).matches()) {
      // Lower case, as git prints SHAs and webhooks send them, so equal commits compare equal.
      return new Head(revision.toLowerCase(Locale.ROOT), null);
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

  /** The branch {@code HEAD} points to; without the symref, the one branch at HEAD's commit. */
  private static Head defaultBranch(Refs refs) {
    String head = refs.commits().get(Constants.HEAD);
    if (head == null) {
      throw new RemoteHeadsException(
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
      throw new RemoteHeadsException(notFound.get());
    }
    return commit;
  }

  /** Rejects names git would never accept (Fleet validates branches the same way). */
  private static void checkNames(GitRepoSpec spec) {
    String revision = spec.getRevision();
    if (isSet(revision)) {
      if (!Repository.isValidRefName(Constants.R_TAGS + revision)) {
        throw new RemoteHeadsException(
            "spec.revision "
                + revision
                + " is neither a full commit SHA (40 or 64 hex digits) nor a valid tag name");
      }
      return;
    }
    String branch = spec.getBranch();
    if (isSet(branch) && !Repository.isValidRefName(Constants.R_HEADS + branch)) {
      throw new RemoteHeadsException("spec.branch " + branch + " is not a valid branch name");
    }
  }

  private static void configure(
      Transport transport,
      String shown,
      SshdSessionFactory sshSessions,
      TlsConnectionFactory http,
      TransportOptions tls) {
    if (transport instanceof SshTransport ssh) {
      if (sshSessions == null) {
        throw new RemoteHeadsException(
            shown + " is reached over SSH: it needs a " + Credentials.SSH_AUTH + " Secret");
      }
      ssh.setSshSessionFactory(sshSessions);
    }
    if (transport instanceof TransportHttp https) {
      // Always ours, also with default options, so a user's git config cannot turn checks off.
      https.setHttpConnectionFactory(http != null ? http : TlsConnectionFactory.of(tls));
    }
  }

  /** The message for a failed ls-remote: what went wrong in words, then the detail, redacted. */
  private RemoteHeadsException failure(
      String shown, Exception e, Credentials credentials, KnownHosts knownHosts) {
    // JGit repeats the URL in front of its messages; once in front of ours is enough.
    String detail =
        redact(details(e), credentials).replace(shown + ": ", "").replaceAll("\\s*\\R\\s*", " ");
    String reason;
    if (knownHosts != null && knownHosts.refusal() != null) {
      reason = knownHosts.refusal();
    } else if (has(e, NoRemoteRepositoryException.class)) {
      reason = "repository not found";
    } else if (has(e, InterruptedIOException.class) || mentions(e, "timed out", "timeout")) {
      reason = "no answer within " + timeoutSeconds + " s";
    } else if (has(e, CertificateException.class) || mentions(e, "pkix", "certificate")) {
      reason =
          "TLS verification failed: the server's certificate is not trusted for this host"
              + " (spec.caBundle may add its CA)";
    } else if (has(e, SSLException.class) || mentions(e, "secure connection")) {
      reason = "TLS handshake failed";
    } else if (mentions(e, "not authorized", "authentication", "auth fail")) {
      reason =
          credentials.kind() == Credentials.Kind.NONE
              ? "authentication required: name a credentials Secret in spec.clientSecretName"
              : "authentication failed: check the credentials Secret";
    } else if (has(e, ConnectException.class)
        || has(e, UnknownHostException.class)
        || has(e, NoRouteToHostException.class)) {
      reason = "cannot connect";
    } else {
      reason = "ls-remote failed";
    }
    return new RemoteHeadsException(shown + ": " + reason + " (" + detail + ")");
  }

  /** The distinct messages along the cause chain, outermost first. */
  private static String details(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (text.indexOf(message) < 0) {
        text.append(text.length() == 0 ? "" : ": ").append(message);
      }
    }
    return text.toString();
  }

  private static String redact(String text, Credentials credentials) {
    String redacted = RemoteHeadsException.withoutUserInfo(text);
    for (String secret : credentials.secrets()) {
      redacted = redacted.replace(secret, "***");
    }
    return redacted;
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static boolean mentions(Throwable e, String... words) {
    String text = details(e).toLowerCase(Locale.ROOT);
    for (String word : words) {
      if (text.contains(word)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSsh(URIish uri) {
    String scheme = lower(uri.getScheme());
    // scp-like "git@host:path" has no scheme but a host; a local path has neither.
    return SSH_SCHEMES.contains(scheme) || (scheme.isEmpty() && isSet(uri.getHost()));
  }

  private static String lower(String text) {
    return text == null ? "" : text.toLowerCase(Locale.ROOT);
  }

  private static boolean isSet(String text) {
    return text != null && !text.isBlank();
  }

  /** The timeout as JGit applies it, in whole seconds. */
  int timeoutSeconds() {
    return timeoutSeconds;
  }
}
