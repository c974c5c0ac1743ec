package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitwatch.testing.LoopbackGitServer;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which proxy each remote call takes, as Fleet's Go code would choose it from the environment. */
class ProxiesTest {

  @TempDir Path root;

  private static Proxies proxies(String... env) {
    var map = new java.util.HashMap<String, String>();
    for (int i = 0; i < env.length; i += 2) {
      map.put(env[i], env[i + 1]);
    }
    return Proxies.fromEnvironment(map);
  }

  private static String route(Proxies proxies, String url) {
    try {
      Proxies.Route route = proxies.route(new URL(url));
      return route.direct()
          ? "direct"
          : ((InetSocketAddress) route.proxy().address()).getHostString()
              + ":"
              + ((InetSocketAddress) route.proxy().address()).getPort();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void choosesTheProxyByTheTargetsSchemeUpperCaseFirst() {
    Proxies proxies =
        proxies(
            "HTTPS_PROXY", "http://secure-proxy:3128",
            "https_proxy", "http://ignored:1",
            "http_proxy", "plain-proxy:8080");
    assertThat(route(proxies, "https://github.com/o/r.git")).isEqualTo("secure-proxy:3128");
    assertThat(route(proxies, "http://git.example.com/r.git")).isEqualTo("plain-proxy:8080");
    assertThat(route(proxies("http_proxy", "p:1"), "https://github.com/o/r.git"))
        .as("no fallback from https to HTTP_PROXY, as in Go")
        .isEqualTo("direct");
    assertThat(route(proxies(), "https://github.com/o/r.git")).isEqualTo("direct");
    assertThat(route(proxies("HTTPS_PROXY", "http://p"), "https://github.com/o/r.git"))
        .isEqualTo("p:80");
  }

  @Test
  void noProxyMatchesHostsSuffixesAddressesNetworksAndPorts() {
    Proxies proxies =
        proxies(
            "HTTPS_PROXY",
            "http://proxy:3128",
            "NO_PROXY",
            " example.com, .internal.corp ,*.svc.cluster.local,10.0.0.0/8,192.168.1.5,"
                + "git.acme.io:8443,[2001:db8::1]");
    assertThat(route(proxies, "https://example.com/r")).isEqualTo("direct");
    assertThat(route(proxies, "https://git.example.com/r")).isEqualTo("direct");
    assertThat(route(proxies, "https://notexample.com/r")).isEqualTo("proxy:3128");
    assertThat(route(proxies, "https://internal.corp/r"))
        .as("a leading dot matches subdomains only")
        .isEqualTo("proxy:3128");
    assertThat(route(proxies, "https://git.internal.corp/r")).isEqualTo("direct");
    assertThat(route(proxies, "https://gitea.ns.svc.cluster.local/r")).isEqualTo("direct");
    assertThat(route(proxies, "https://svc.cluster.local/r")).isEqualTo("proxy:3128");
    assertThat(route(proxies, "https://10.1.2.3/r")).isEqualTo("direct");
    assertThat(route(proxies, "https://11.1.2.3/r")).isEqualTo("proxy:3128");
    assertThat(route(proxies, "https://192.168.1.5/r")).isEqualTo("direct");
    assertThat(route(proxies, "https://git.acme.io:8443/r")).isEqualTo("direct");
    assertThat(route(proxies, "https://git.acme.io/r")).as("another port").isEqualTo("proxy:3128");
    assertThat(route(proxies, "https://[2001:db8::1]/r")).isEqualTo("direct");
    assertThat(route(proxies, "https://EXAMPLE.COM/r")).isEqualTo("direct");
  }

  @Test
  void noProxyStarAndLoopbackNeverUseTheProxy() {
    assertThat(route(proxies("HTTPS_PROXY", "http://p:1", "no_proxy", "*"), "https://github.com/r"))
        .isEqualTo("direct");
    Proxies proxies = proxies("HTTP_PROXY", "http://p:1");
    assertThat(route(proxies, "http://localhost:8080/r")).isEqualTo("direct");
    assertThat(route(proxies, "http://127.0.0.1:8080/r")).isEqualTo("direct");
    assertThat(route(proxies, "http://[::1]:8080/r")).isEqualTo("direct");
  }

  @Test
  void readsProxyCredentialsAndNeverShowsThem() {
    Proxies.Route route =
        proxies("HTTPS_PROXY", "http://proxy-user:s%40cret@proxy:3128")
            .route(url("https://github.com/r"));
    assertThat(route.credentials().getUserName()).isEqualTo("proxy-user");
    assertThat(new String(route.credentials().getPassword())).isEqualTo("s@cret");
    assertThat(route.toString()).doesNotContain("cret").doesNotContain("proxy-user");
    // As Go reads user info: a plus is a plus (generated passwords often have one).
    Proxies.Route plus =
        proxies("HTTPS_PROXY", "http://u+1:a+b%2Bc@proxy:3128").route(url("https://github.com/r"));
    assertThat(plus.credentials().getUserName()).isEqualTo("u+1");
    assertThat(new String(plus.credentials().getPassword())).isEqualTo("a+b+c");
    assertThat(proxies("HTTPS_PROXY", "socks5://s:1080").route(url("https://g/r")).proxy().type())
        .isEqualTo(Proxy.Type.SOCKS);
    assertThatThrownBy(() -> proxies("HTTPS_PROXY", "https://u:pw@p:443").route(url("https://g/r")))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("HTTPS_PROXY")
        .hasMessageNotContaining("pw");
  }

  @Test
  void pollsThroughTheProxyWithoutTouchingTheJvmsProxySettings() {
    ProxySelector before = ProxySelector.getDefault();
    // Jetty serves absolute-URI requests too: as a proxy it forwards to itself, and the
    // repository's host name, which does not resolve, proves the proxy made the connection.
    try (LoopbackGitServer git = LoopbackGitServer.start(root)) {
      git.createRepository("r");
      String head = git.commit("r", "main");
      String viaProxy = git.url("r").replace("127.0.0.1:" + git.port(), "git.invalid");
      RemoteHeads remoteHeads =
          new RemoteHeads(
              RemoteHeads.Limits.of(Duration.ofSeconds(10)),
              EgressPolicy.permissive(),
              proxies("http_proxy", "http://127.0.0.1:" + git.port(), "NO_PROXY", "example.com"));

      assertThat(remoteHeads.resolve(EgressPolicyTest.spec(viaProxy), Credentials.none()).commit())
          .isEqualTo(head);
      assertThat(git.infoRefsRequests("r")).isOne();
      assertThatThrownBy(
              () ->
                  new RemoteHeads(Duration.ofSeconds(10))
                      .resolve(EgressPolicyTest.spec(viaProxy), Credentials.none()))
          .isInstanceOf(RemoteHeadsException.class)
          .extracting(e -> ((RemoteHeadsException) e).reason())
          .isEqualTo(FailureReason.CANNOT_CONNECT);
    }
    assertThat(ProxySelector.getDefault()).isSameAs(before);
    assertThat(System.getProperty("http.proxyHost")).isNull();
  }

  private static URL url(String url) {
    try {
      return new URL(url);
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
