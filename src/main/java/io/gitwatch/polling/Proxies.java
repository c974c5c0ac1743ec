package io.gitwatch.polling;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The proxy of each HTTP(S) remote call, from {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code
 * NO_PROXY} (upper case first, then lower case), with the rules of Go's {@code
 * golang.org/x/net/http/httpproxy}, which Fleet uses, so a Fleet operator's settings mean the same
 * here. Chosen per connection: nothing is set JVM-wide, so the Kubernetes client is unaffected.
 *
 * <p>{@code NO_PROXY}: comma-separated; {@code *} disables proxies; an IP address or CIDR network
 * matches literal addresses in it; {@code example.com} matches that host and its subdomains; {@code
 * .example.com} and {@code *.example.com} match subdomains only; any entry may end in {@code
 * :port}. {@code localhost} and loopback addresses never use a proxy.
 */
final class Proxies {

  private static final Pattern IP_LITERAL =
      Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** A connection's way out: the proxy (or {@link Proxy#NO_PROXY}) and its credentials, if any. */
  record Route(Proxy proxy, String username, String password) {

    static final Route DIRECT = new Route(Proxy.NO_PROXY, null, null);

    boolean direct() {
      return proxy.type() == Proxy.Type.DIRECT;
    }

    /** The proxy's credentials for its 407, or null. */
    PasswordAuthentication credentials() {
      return username == null
          ? null
          : new PasswordAuthentication(
              username, password == null ? new char[0] : password.toCharArray());
    }

    @Override
    public String toString() {
      return direct() ? "direct" : "proxy " + proxy.address(); // never the credentials
    }
  }

  private record HostMatcher(String suffix, boolean matchesItself, String port) {}

  private record IpMatcher(Network network, String port) {}

  private final String httpProxy;
  private final String httpsProxy;
  private final boolean noneAtAll;
  private final List<HostMatcher> hosts;
  private final List<IpMatcher> ips;

  private Proxies(String httpProxy, String httpsProxy, String noProxy) {
    this.httpProxy = httpProxy;
    this.httpsProxy = httpsProxy;
    List<HostMatcher> hostMatchers = new ArrayList<>();
    List<IpMatcher> ipMatchers = new ArrayList<>();
    boolean all = false;
    for (String raw : noProxy == null ? new String[0] : noProxy.split(",")) {
      String entry = raw.strip().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        all = true;
        break;
      }
      if (entry.contains("/")) {
        try {
          ipMatchers.add(new IpMatcher(Network.parse(entry), ""));
        } catch (IllegalArgumentException e) {
          // Go skips what it cannot read; so do we.
        }
        continue;
      }
      String[] hostPort = splitHostPort(entry);
      String host = hostPort[0];
      if (host.isEmpty()) {
        continue;
      }
      if (IP_LITERAL.matcher(host).matches()) {
        try {
          ipMatchers.add(new IpMatcher(Network.parse(host), hostPort[1]));
          continue;
        } catch (IllegalArgumentException e) {
          // not an address after all: a host name
        }
      }
      if (host.startsWith("*.")) {
        host = host.substring(1);
      }
      boolean itself = !host.startsWith(".");
      hostMatchers.add(new HostMatcher(itself ? "." + host : host, itself, hostPort[1]));
    }
    this.noneAtAll = all;
    this.hosts = List.copyOf(hostMatchers);
    this.ips = List.copyOf(ipMatchers);
  }

  /** No proxy for anything. */
  static Proxies none() {
    return new Proxies(null, null, null);
  }

  /** From environment variables such as {@link System#getenv()}. */
  static Proxies fromEnvironment(Map<String, String> env) {
    return new Proxies(
        either(env, "HTTP_PROXY", "http_proxy"),
        either(env, "HTTPS_PROXY", "https_proxy"),
        either(env, "NO_PROXY", "no_proxy"));
  }

  /**
   * How to reach {@code target}.
   *
   * @throws RemoteHeadsException reason CannotConnect, when the proxy setting cannot be used
   */
  Route route(URL target) {
    String scheme = target.getProtocol().toLowerCase(Locale.ROOT);
    String setting = scheme.equals("https") ? httpsProxy : scheme.equals("http") ? httpProxy : null;
    if (setting == null || noneAtAll) {
      return Route.DIRECT;
    }
    String host = target.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = target.getPort() < 0 ? target.getDefaultPort() : target.getPort();
    if (!useProxy(host, String.valueOf(port))) {
      return Route.DIRECT;
    }
    return parse(setting, scheme.equals("https") ? "HTTPS_PROXY" : "HTTP_PROXY");
  }

  private boolean useProxy(String host, String port) {
    if (host.equals("localhost")) {
      return false;
    }
    InetAddress ip = literal(host);
    if (ip != null) {
      if (ip.isLoopbackAddress()) {
        return false;
      }
      for (IpMatcher matcher : ips) {
        if (matcher.network().contains(ip)
            && (matcher.port().isEmpty() || matcher.port().equals(port))) {
          return false;
        }
      }
    }
    for (HostMatcher matcher : hosts) {
      boolean matches =
          host.endsWith(matcher.suffix())
              || (matcher.matchesItself() && host.equals(matcher.suffix().substring(1)));
      if (matches && (matcher.port().isEmpty() || matcher.port().equals(port))) {
        return false;
      }
    }
    return true;
  }

  /** A proxy URL as Go reads it: {@code http://} when it has no scheme; socks5 too. */
  private static Route parse(String setting, String variable) {
    String text = setting.strip();
    if (!text.contains("://")) {
      text = "http://" + text;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw unusable(variable, "is not a URL");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null) {
      throw unusable(variable, "has no host");
    }
    Proxy.Type type;
    int defaultPort;
    switch (scheme) {
      case "http" -> {
        type = Proxy.Type.HTTP;
        defaultPort = 80;
      }
      case "socks5", "socks5h" -> {
        type = Proxy.Type.SOCKS;
        defaultPort = 1080;
      }
      default ->
          throw unusable(variable, "has the scheme " + scheme + "; use http:// or socks5://");
    }
    int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = unescape(parts[0]);
      password = parts.length > 1 ? unescape(parts[1]) : "";
    }
    return new Route(
        new Proxy(type, InetSocketAddress.createUnresolved(uri.getHost(), port)), user, password);
  }

  // Percent-escapes only, as Go reads a URL's user info: a '+' is a plus, not a space (URLDecoder
  // decodes forms). The URI parser has already refused a malformed escape.
  private static String unescape(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static RemoteHeadsException unusable(String variable, String why) {
    // The setting may hold the proxy's password: name the variable, never its value.
    return new RemoteHeadsException(
        FailureReason.CANNOT_CONNECT, "the proxy setting " + variable + " " + why);
  }

  private static InetAddress literal(String host) {
    if (!IP_LITERAL.matcher(host).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(host); // a literal: no lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** {@code host:port}, {@code [v6]:port}, or a host alone (a bare IPv6 address included). */
  private static String[] splitHostPort(String entry) {
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        return new String[] {"", ""};
      }
      String port = entry.startsWith(":", close + 1) ? entry.substring(close + 2) : "";
      return new String[] {entry.substring(1, close), port};
    }
    int colon = entry.indexOf(':');
    if (colon >= 0 && colon == entry.lastIndexOf(':')) {
      return new String[] {entry.substring(0, colon), entry.substring(colon + 1)};
    }
    return new String[] {entry, ""};
  }

  private static String either(Map<String, String> env, String upper, String lower) {
    String value = env.get(upper);
    if (value == null || value.isBlank()) {
      value = env.get(lower);
    }
    return value == null || value.isBlank() ? null : value;
  }

  @Override
  public String toString() {
    return "Proxies[http=" + (httpProxy != null) + ", https=" + (httpsProxy != null) + "]";
  }
}
