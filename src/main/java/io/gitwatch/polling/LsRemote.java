package io.gitwatch.polling;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;

/**
 * One ls-remote (JGit) inside the limits of a {@link RemoteCall} and the {@link EgressPolicy}, its
 * failures turned into a {@link FailureReason} and our own words; what the remote or a library said
 * goes to the exception's log-only detail, redacted.
 */
final class LsRemote {

  private static final Logger LOG = Logger.getLogger(LsRemote.class.getName());

  /** The SSH user when the URL names none, as Fleet does; JGit would use the local OS user. */
  private static final String SSH_USER = "git";

  private final RemoteHeads.Limits limits;
  private final EgressPolicy egress;
  private final Proxies proxies;

  LsRemote(RemoteHeads.Limits limits, EgressPolicy egress, Proxies proxies) {
    this.limits = limits;
    this.egress = egress;
    this.proxies = proxies;
  }

  /** The URL parsed, its scheme allowed: before any credentials are read or anything connects. */
  URIish check(String url) {
    if (url == null || url.isBlank()) {
      throw new RemoteHeadsException(FailureReason.INVALID_SPEC, "spec.repo is empty");
    }
    String shown = RemoteHeadsException.withoutUserInfo(url);
    URIish uri;
    try {
      uri = new URIish(url);
    } catch (URISyntaxException e) {
      throw new RemoteHeadsException(
          FailureReason.INVALID_SPEC, "repository URL " + shown + " is not a valid git URL");
    }
    egress.checkScheme(uri, shown);
    return uri;
  }

  Refs call(String url, Credentials credentials, TransportOptions options) {
    URIish uri = check(url);
    Credentials auth = credentials == null ? Credentials.none() : credentials;
    TransportOptions tls = options == null ? TransportOptions.defaults() : options;
    String shown = RemoteHeadsException.withoutUserInfo(url);
    String scheme = EgressPolicy.schemeOf(uri);
    boolean ssh = scheme.equals("ssh");
    if (ssh && auth.kind() != Credentials.Kind.SSH) {
      throw new RemoteHeadsException(
          FailureReason.CREDENTIALS_UNUSABLE,
          shown
              + " is an SSH URL: it needs a "
              + Credentials.SSH_AUTH
              + " Secret named by spec.clientSecretName");
    }
    if (!ssh && auth.kind() == Credentials.Kind.SSH) {
      throw new RemoteHeadsException(
          FailureReason.CREDENTIALS_UNUSABLE,
          shown + " is not an SSH URL, but the credentials Secret holds an SSH key");
    }
    if (ssh || scheme.equals("git")) {
      egress.checkHost(uri.getHost(), shown); // HTTP(S) is checked per connection
    }
    KnownHosts knownHosts = ssh ? KnownHosts.parse(auth.knownHosts()) : null;
    try (RemoteCall call = RemoteCall.start(limits.timeout(), limits.maxAdvertisementBytes())) {
      SshdSessionFactory sshd = ssh ? SshSessions.factory(auth, knownHosts, egress, shown) : null;
      BoundedSshSessions sshSessions = sshd == null ? null : new BoundedSshSessions(sshd, call);
      TlsConnectionFactory http =
          scheme.startsWith("http")
              ? TlsConnectionFactory.of(tls, egress, proxies, call, shown)
              : null;
      String remote = ssh && uri.getUser() == null ? uri.setUser(SSH_USER).toString() : url;
      LsRemoteCommand lsRemote =
          Git.lsRemoteRepository()
              .setRemote(remote)
              .setTimeout(timeoutSeconds())
              .setTransportConfigCallback(
                  transport -> configure(transport, shown, sshSessions, http));
      if (auth.kind() == Credentials.Kind.BASIC) {
        lsRemote.setCredentialsProvider(
            new UsernamePasswordCredentialsProvider(auth.username(), auth.password()));
      }
      try {
        return Refs.of(shown, lsRemote.callAsMap());
      } catch (Exception e) {
        RemoteHeadsException failure = failure(shown, e, auth, knownHosts, call);
        LOG.fine(
            () -> "ls-remote " + shown + ": " + failure.reason().code() + " " + failure.detail());
        throw failure;
      }
    }
  }

  /** The timeout of each read, in JGit's whole seconds; the call as a whole has the same bound. */
  int timeoutSeconds() {
    return (int) Math.min(Integer.MAX_VALUE, (limits.timeout().toMillis() + 999) / 1000);
  }

  private static void configure(
      Transport transport,
      String shown,
      BoundedSshSessions sshSessions,
      TlsConnectionFactory http) {
    if (transport instanceof SshTransport ssh) {
      if (sshSessions == null) {
        throw new RemoteHeadsException(
            FailureReason.CREDENTIALS_UNUSABLE,
            shown + " is reached over SSH: it needs a " + Credentials.SSH_AUTH + " Secret");
      }
      ssh.setSshSessionFactory(sshSessions);
    }
    if (transport instanceof TransportHttp https) {
      if (http == null) {
        throw new RemoteHeadsException(FailureReason.REFUSED, shown + ": not an HTTP(S) URL");
      }
      https.setHttpConnectionFactory(http);
    }
  }

  /** What went wrong, in our words; the cause chain's text is kept as the log-only detail. */
  private RemoteHeadsException failure(
      String shown, Exception e, Credentials credentials, KnownHosts knownHosts, RemoteCall call) {
    RemoteHeadsException ours = find(e, RemoteHeadsException.class);
    if (ours != null) {
      return ours; // ours already: the egress policy refused, or the proxy setting is unusable
    }
    String detail = redact(details(e), credentials);
    FailureReason reason;
    String words;
    if (call.tooLarge() || has(e, RemoteCall.TooLarge.class)) {
      reason = FailureReason.TOO_LARGE;
      words =
          "the ref advertisement is larger than "
              + call.maxBytes()
              + " bytes (gitwatch.polling.max-advertisement-bytes)";
    } else if (call.expired()) {
      reason = FailureReason.TIMEOUT;
      words = "no answer within " + timeoutSeconds() + " s (gitwatch.polling.timeout)";
    } else if (knownHosts != null && knownHosts.refusal() != null) {
      RemoteHeadsException refusal = knownHosts.refusal();
      return new RemoteHeadsException(
          refusal.reason(), shown + ": " + refusal.getMessage(), detail);
    } else if (has(e, NoRemoteRepositoryException.class)) {
      reason = FailureReason.REPOSITORY_NOT_FOUND;
      words = "repository not found";
    } else if (has(e, InterruptedIOException.class) || mentions(e, "timed out", "timeout")) {
      reason = FailureReason.TIMEOUT;
      words = "no answer within " + timeoutSeconds() + " s (gitwatch.polling.timeout)";
    } else if (has(e, CertificateException.class) || mentions(e, "pkix", "certificate")) {
      reason = FailureReason.TLS_UNTRUSTED;
      words =
          "TLS verification failed: the server's certificate is not trusted for this host"
              + " (spec.caBundle may add its CA)";
    } else if (has(e, SSLException.class) || mentions(e, "secure connection")) {
      reason = FailureReason.TLS_FAILED;
      words = "TLS handshake failed";
    } else if (mentions(e, "not authorized", "authentication", "auth fail")) {
      boolean none = credentials.kind() == Credentials.Kind.NONE;
      reason = none ? FailureReason.AUTHENTICATION_REQUIRED : FailureReason.AUTHENTICATION_FAILED;
      words =
          none
              ? "authentication required: name a credentials Secret in spec.clientSecretName"
              : "authentication failed: check the credentials Secret";
    } else if (has(e, ConnectException.class)
        || has(e, UnknownHostException.class)
        || has(e, NoRouteToHostException.class)) {
      reason = FailureReason.CANNOT_CONNECT;
      words = "cannot connect";
    } else {
      reason = FailureReason.LS_REMOTE_FAILED;
      words = "ls-remote failed (the remote's answer is in Gitwatch's log)";
    }
    return new RemoteHeadsException(reason, shown + ": " + words, detail);
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

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    return find(e, type) != null;
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
}
