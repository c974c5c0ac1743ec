package io.gitwatch.polling;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;
import org.eclipse.jgit.transport.http.NoCheckX509TrustManager;

/**
 * JGit's HTTP connections for one GitRepo's calls, verified as its {@link TransportOptions} say.
 *
 * <p>JGit lets each {@code TransportHttp} have its own connection factory, and each connection its
 * own trust managers ({@link HttpConnection#configure}), which end up in that {@code
 * HttpsURLConnection} alone. So a GitRepo's CA bundle or {@code insecureSkipTLSVerify} never
 * reaches the JVM's defaults or another GitRepo. It also ignores {@code http.sslVerify} from a
 * user's git config: the GitRepo decides, nothing ambient.
 */
final class TlsConnectionFactory implements HttpConnectionFactory2 {

  private static final TrustManager[] TRUST_ALL = {new NoCheckX509TrustManager()};

  private final HttpConnectionFactory2 jdk = new JDKHttpConnectionFactory();

  /** The trust managers of every HTTPS connection, or null for the JVM's defaults. */
  private final TrustManager[] trustManagers;

  private final boolean skipVerify;

  private TlsConnectionFactory(TrustManager[] trustManagers, boolean skipVerify) {
    this.trustManagers = trustManagers;
    this.skipVerify = skipVerify;
  }

  /**
   * @throws RemoteHeadsException when the CA bundle is not base64 PEM certificates
   */
  static TlsConnectionFactory of(TransportOptions options) {
    if (options.insecureSkipTlsVerify()) {
      return new TlsConnectionFactory(TRUST_ALL, true);
    }
    if (options.caBundle() == null) {
      return new TlsConnectionFactory(null, false);
    }
    return new TlsConnectionFactory(trusting(certificates(options.caBundle())), false);
  }

  @Override
  public HttpConnection create(URL url) throws IOException {
    return jdk.create(url);
  }

  @Override
  public HttpConnection create(URL url, Proxy proxy) throws IOException {
    return jdk.create(url, proxy);
  }

  @Override
  public GitSession newSession() {
    return new GitSession() {
      @Override
      public HttpConnection configure(HttpConnection connection, boolean sslVerify)
          throws GeneralSecurityException {
        // sslVerify comes from the user's git config; the GitRepo's options replace it.
        if (!"https".equals(connection.getURL().getProtocol()) || trustManagers == null) {
          return connection;
        }
        connection.configure(null, trustManagers, null);
        if (skipVerify) {
          connection.setHostnameVerifier((host, session) -> true);
        }
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
        throw new RemoteHeadsException("spec.caBundle is not base64: " + e.getMessage());
      }
    }
    try {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
      if (certificates.isEmpty()) {
        throw new RemoteHeadsException("spec.caBundle holds no PEM certificate");
      }
      return certificates;
    } catch (GeneralSecurityException e) {
      throw new RemoteHeadsException(
          "spec.caBundle is not a bundle of PEM certificates: " + e.getMessage());
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
      throw new RemoteHeadsException("spec.caBundle cannot be used: " + e.getMessage());
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
