package io.gitwatch.polling;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS socket factory of a direct HTTPS connection: the JDK asks it for an unconnected socket
 * and connects that to the address it resolved, so the egress policy is checked on exactly the
 * address about to be connected to (a DNS answer that changed since the first check, say), before
 * any packet leaves.
 */
final class CheckedSocketFactory extends SSLSocketFactory {

  private final SSLSocketFactory tls;
  private final EgressPolicy egress;
  private final String shown;

  CheckedSocketFactory(SSLSocketFactory tls, EgressPolicy egress, String shown) {
    this.tls = tls;
    this.egress = egress;
    this.shown = shown;
  }

  @Override
  public Socket createSocket() {
    return new Socket() {
      @Override
      public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (endpoint instanceof InetSocketAddress address && address.getAddress() != null) {
          egress.checkAddress(address.getAddress(), shown);
        }
        super.connect(endpoint, timeout);
      }
    };
  }

  /** TLS over the socket {@link #createSocket()} made and the JDK connected. */
  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
      throws IOException {
    if (socket.getInetAddress() != null) {
      egress.checkAddress(socket.getInetAddress(), shown);
    }
    return tls.createSocket(socket, host, port, autoClose);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(address, port));
  }

  private Socket connected(InetSocketAddress address) throws IOException {
    Socket socket = createSocket();
    socket.connect(address);
    return createSocket(socket, address.getHostString(), address.getPort(), true);
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return tls.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return tls.getSupportedCipherSuites();
  }
}
