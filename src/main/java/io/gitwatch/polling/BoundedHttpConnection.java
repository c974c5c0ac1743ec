package io.gitwatch.polling;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URL;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.eclipse.jgit.transport.http.HttpConnection;

/**
 * One JGit HTTP connection on the JDK's {@link HttpURLConnection}, inside a {@link RemoteCall}: its
 * answer counts against the call's byte cap, the call's deadline disconnects it, and it never
 * follows a redirect by itself (JGit does, through {@link TlsConnectionFactory}, so every hop is
 * checked against the egress policy).
 */
final class BoundedHttpConnection implements HttpConnection {

  private final HttpURLConnection connection;
  private final RemoteCall call;

  BoundedHttpConnection(HttpURLConnection connection, RemoteCall call) {
    this.connection = connection;
    this.call = call;
    connection.setInstanceFollowRedirects(false);
    call.register(connection::disconnect);
  }

  @Override
  public int getResponseCode() throws IOException {
    return connection.getResponseCode();
  }

  @Override
  public URL getURL() {
    return connection.getURL();
  }

  @Override
  public String getResponseMessage() throws IOException {
    return connection.getResponseMessage();
  }

  @Override
  public Map<String, List<String>> getHeaderFields() {
    Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    connection
        .getHeaderFields()
        .forEach(
            (name, values) -> {
              if (name != null) {
                fields.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values);
              }
            });
    return fields;
  }

  @Override
  public List<String> getHeaderFields(String name) {
    return Collections.unmodifiableList(getHeaderFields().getOrDefault(name, List.of()));
  }

  @Override
  public void setRequestProperty(String key, String value) {
    connection.setRequestProperty(key, value);
  }

  @Override
  public void setRequestMethod(String method) throws ProtocolException {
    connection.setRequestMethod(method);
  }

  @Override
  public void setUseCaches(boolean useCaches) {
    connection.setUseCaches(useCaches);
  }

  @Override
  public void setConnectTimeout(int timeout) {
    connection.setConnectTimeout(timeout);
  }

  @Override
  public void setReadTimeout(int timeout) {
    connection.setReadTimeout(timeout);
  }

  @Override
  public String getContentType() {
    return connection.getContentType();
  }

  @Override
  public InputStream getInputStream() throws IOException {
    return call.bounded(connection.getInputStream());
  }

  @Override
  public String getHeaderField(String name) {
    return connection.getHeaderField(name);
  }

  @Override
  public int getContentLength() {
    return connection.getContentLength();
  }

  @Override
  public void setInstanceFollowRedirects(boolean follow) {
    // Never: a redirect the JDK followed would reach an address nobody checked.
  }

  @Override
  public void setDoOutput(boolean doOutput) {
    connection.setDoOutput(doOutput);
  }

  @Override
  public void setFixedLengthStreamingMode(int length) {
    connection.setFixedLengthStreamingMode(length);
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return connection.getOutputStream();
  }

  @Override
  public void setChunkedStreamingMode(int chunkLength) {
    connection.setChunkedStreamingMode(chunkLength);
  }

  @Override
  public String getRequestMethod() {
    return connection.getRequestMethod();
  }

  @Override
  public boolean usingProxy() {
    return connection.usingProxy();
  }

  @Override
  public void connect() throws IOException {
    connection.connect();
  }

  /** TLS is set up by {@link TlsConnectionFactory} when it opens the connection. */
  @Override
  public void configure(KeyManager[] km, TrustManager[] tm, SecureRandom random)
      throws NoSuchAlgorithmException, KeyManagementException {
    // nothing: the GitRepo's options were applied already, and nothing from git config may relax
    // them
  }

  @Override
  public void setHostnameVerifier(HostnameVerifier verifier) {
    if (connection instanceof HttpsURLConnection https) {
      https.setHostnameVerifier(verifier);
    }
  }
}
