package io.gitwatch.polling;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.NoCheckX509TrustManager;

/**
 * JGit's HTTP connections for one ls-remote: verified as the GitRepo's {@link TransportOptions}
 * say, routed as {@link Proxies} say, checked against the {@link EgressPolicy} (every connection,
 * redirects included, comes through here) and bounded by the {@link RemoteCall}.
 *
 * <p>Each {@code HttpsURLConnection} gets its own socket factory and trust managers, so a GitRepo's
 * CA bundle or {@code insecureSkipTLSVerify} never reaches the JVM's defaults or another GitRepo,
 * and the proxy is chosen per connection, with its credentials in a per-connection {@link
 * Authenticator}. It also ignores {@code http.sslVerify} from a user's git config: the GitRepo
 * decides, nothing ambient.
 */
final class TlsConnectionFactory implements HttpConnectionFactory2 {

  private static final TrustManager[] TRUST_ALL = {new NoCheckX509TrustManager()};

  /** The trust managers of every HTTPS connection, or null for the JVM's defaults. */
  private final TrustManager[] trustManagers;

  private final boolean skipVerify;
  private final EgressPolicy egress;
  private final Proxies proxies;
  private final RemoteCall call;
  private final String shown;

  private TlsConnectionFactory(
      TrustManager[] trustManagers,
      boolean skipVerify,
      EgressPolicy egress,
      Proxies proxies,
      RemoteCall call,
      String shown) {
    this.trustManagers = trustManagers;
    this.skipVerify = skipVerify;
    this.egress = egress;
    this.proxies = proxies;
    this.call = call;
    this.shown = shown;
  }

  /**
   * @param shown the repository URL without user info, for messages
   * @throws RemoteHeadsException when the CA bundle is not base64 PEM certificates
   */
  static TlsConnectionFactory of(
      TransportOptions options,
      EgressPolicy egress,
      Proxies proxies,
      RemoteCall call,
      String shown) {
    TrustManager[] trust;
    if (options.insecureSkipTlsVerify()) {
      trust = TRUST_ALL;
    } else if (options.caBundle() == null) {
      trust = null;
    } else {
      trust = trusting(certificates(options.caBundle()));
    }
    return new TlsConnectionFactory(
        trust, options.insecureSkipTlsVerify(), egress, proxies, call, shown);
  }

  @Override
  public HttpConnection create(URL url) throws IOException {
    return create(url, null);
  }

  /** JGit's proxy (the JVM's selector) is ignored: {@link Proxies} chooses. */
  @Override
  public HttpConnection create(URL url, Proxy ignored) throws IOException {
    String protocol = url.getProtocol().toLowerCase(Locale.ROOT);
    if (!protocol.equals("http") && !protocol.equals("https")) {
      throw new RemoteHeadsException(
          FailureReason.REFUSED, shown + ": a redirect to " + protocol + ": is not followed");
    }
    Proxies.Route route = proxies.route(url);
    // Before anything connects: literal addresses, and the names we can resolve. Through a proxy
    // the proxy connects, so its own egress rules apply there too.
    egress.checkHost(url.getHost(), shown);
    HttpURLConnection connection = (HttpURLConnection) url.openConnection(route.proxy());
    // Always our own: the proxy's credentials for the proxy, nothing for the server (JGit answers
    // its 401 from the GitRepo's Secret), and never a JVM-wide default Authenticator's.
    PasswordAuthentication proxyCredentials = route.credentials();
    connection.setAuthenticator(
        new Authenticator() {
          @Override
          protected PasswordAuthentication getPasswordAuthentication() {
            return getRequestorType() == RequestorType.PROXY ? proxyCredentials : null;
          }
        });
    if (connection instanceof HttpsURLConnection https) {
      configureTls(https, route.direct());
    }
    return new BoundedHttpConnection(connection, call);
  }

  private void configureTls(HttpsURLConnection https, boolean direct) throws IOException {
    SSLSocketFactory sockets;
    try {
      if (trustManagers == null) {
        sockets = (SSLSocketFactory) SSLSocketFactory.getDefault();
      } else {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers, null);
        sockets = context.getSocketFactory();
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup failed: " + e.getMessage(), e);
    }
    // Direct connections: the address is checked again on the socket, as it connects.
    https.setSSLSocketFactory(direct ? new CheckedSocketFactory(sockets, egress, shown) : sockets);
    if (skipVerify) {
      https.setHostnameVerifier((host, session) -> true);
    }
  }

  @Override
  public GitSession newSession() {
    return new GitSession() {
      @Override
      public HttpConnection configure(HttpConnection connection, boolean sslVerify) {
        // sslVerify comes from the user's git config; the GitRepo's options were applied in create.
        return connection;
      }

      @Override
      public void close() {}
    };
  }

  /** The certificates of a {@code spec.caBundle}: base64 of PEM, or (leniently) PEM itself. */
  private static Collection<? extends Certificate> certificates(String caBundle) {
    byte[] pem;
    String text = caBundle.strip();
    if (text.startsWith("-----BEGIN")) {
      pem = text.getBytes(StandardCharsets.US_ASCII);
    } else {
      try {
        pem = Base64.getMimeDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new RemoteHeadsException(FailureReason.INVALID_SPEC, "spec.caBundle is not base64");
      }
    }
    try {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
      if (certificates.isEmpty()) {
        throw new RemoteHeadsException(
            FailureReason.INVALID_SPEC, "spec.caBundle holds no PEM certificate");
      }
      return certificates;
    } catch (GeneralSecurityException e) {
      throw new RemoteHeadsException(
          FailureReason.INVALID_SPEC, "spec.caBundle is not a bundle of PEM certificates");
    }
  }

  /** Trust managers that accept what the JVM trusts and what {@code extra} issued. */
  private static TrustManager[] trusting(Collection<? extends Certificate> extra) {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int alias = 0;
      for (Certificate certificate : jvmAnchors()) {
        anchors.setCertificateEntry("jvm-" + alias++, certificate);
      }
      for (Certificate certificate : extra) {
        anchors.setCertificateEntry("ca-bundle-" + alias++, certificate);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(anchors);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new RemoteHeadsException(FailureReason.INVALID_SPEC, "spec.caBundle cannot be used");
    }
  }

  /** The JVM's trust anchors (its trust store, or {@code javax.net.ssl.trustStore}). */
  private static List<X509Certificate> jvmAnchors() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    List<X509Certificate> anchors = new ArrayList<>();
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        anchors.addAll(List.of(x509.getAcceptedIssuers()));
      }
    }
    return anchors;
  }
}
