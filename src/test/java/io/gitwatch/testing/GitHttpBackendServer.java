package io.gitwatch.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * C git's smart-HTTP server for tests: {@code git-http-backend} run as a CGI program behind an
 * embedded Jetty on 127.0.0.1 and a random port, serving the bare repositories of a directory (e.g.
 * made with {@link GitCli}). Basic auth can be demanded per repository, as a web server in front of
 * {@code git-http-backend} would; the authenticated user reaches it as {@code REMOTE_USER}.
 */
public final class GitHttpBackendServer implements AutoCloseable {

  private static final String PREFIX = "/git";
  private static final String GIT_PROTOCOL = "git-protocol";

  private final Server server;
  private final Map<String, String> basicAuth = new ConcurrentHashMap<>();
  private final Set<String> droppedHeaders = ConcurrentHashMap.newKeySet();
  private final List<String> gitProtocols = new CopyOnWriteArrayList<>();

  private GitHttpBackendServer(Path root, Path program) {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);

    Map<String, String> environment = new HashMap<>(GitCli.environment());
    environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    environment.put("GIT_PROJECT_ROOT", root.toString());
    environment.put("GIT_HTTP_EXPORT_ALL", "1");
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(
        new ServletHolder(
            new CgiServlet(
                program, environment, root.resolve("git-http-backend.log"), droppedHeaders)),
        PREFIX + "/*");
    context.addFilter(
        new FilterHolder(new Gate()), PREFIX + "/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);
  }

  /**
   * Starts a server for the bare repositories under {@code root}; skips the calling test when git
   * or its {@code git-http-backend} is not installed.
   */
  public static GitHttpBackendServer start(Path root) {
    GitHttpBackendServer server = new GitHttpBackendServer(root, program());
    try {
      server.server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the git-http-backend server", e);
    }
    return server;
  }

  private static Path program() {
    assumeTrue(
        GitCli.version().startsWith("git version"),
        "the git command line (C git) is not installed: skipping tests against git-http-backend");
    Path program = GitCli.execPath().resolve("git-http-backend");
    assumeTrue(
        Files.isExecutable(program),
        program + " is not installed: skipping tests against C git's smart HTTP server");
    return program;
  }

  /** {@code http://127.0.0.1:<port>/git/<name>.git} */
  public String url(String name) {
    int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    return "http://127.0.0.1:" + port + PREFIX + "/" + name + ".git";
  }

  /** Demands HTTP basic auth with exactly these credentials for repository {@code name}. */
  public void requireBasicAuth(String name, String username, String password) {
    basicAuth.put(name + ".git", username + ":" + password);
  }

  /**
   * Whether clients may speak git protocol version 2: when not, the {@code Git-Protocol} header
   * does not reach {@code git-http-backend}, which then answers in version 0, as a server behind a
   * proxy that drops the header does.
   */
  public void allowProtocolV2(boolean allowed) {
    if (allowed) {
      droppedHeaders.remove(GIT_PROTOCOL);
    } else {
      droppedHeaders.add(GIT_PROTOCOL);
    }
  }

  /**
   * The {@code Git-Protocol} header of every request so far that reached {@code git-http-backend}
   * ("" when a request had none), in order.
   */
  public List<String> gitProtocolHeaders() {
    return List.copyOf(gitProtocols);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the git-http-backend server", e);
    }
  }

  /** Enforces basic auth and sets the remote user, as the web server in front of a CGI does. */
  private final class Gate implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest request = (HttpServletRequest) req;
      HttpServletResponse response = (HttpServletResponse) res;
      String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
      String repository = path.substring(1).split("/", 2)[0];
      String expected = basicAuth.get(repository);
      if (expected == null) {
        pass(request, response, chain);
        return;
      }
      String presented = decodeBasic(request.getHeader("Authorization"));
      if (!expected.equals(presented)) {
        response.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        return;
      }
      String user = expected.substring(0, expected.indexOf(':'));
      pass(
          new HttpServletRequestWrapper(request) {
            @Override
            public String getRemoteUser() {
              return user;
            }

            @Override
            public String getAuthType() {
              return HttpServletRequest.BASIC_AUTH;
            }
          },
          response,
          chain);
    }

    private void pass(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      String protocol = request.getHeader(GIT_PROTOCOL);
      gitProtocols.add(protocol == null || droppedHeaders.contains(GIT_PROTOCOL) ? "" : protocol);
      chain.doFilter(request, response);
    }

    private static String decodeBasic(String authorization) {
      if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
        return null;
      }
      try {
        return new String(
            Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }
}
