package io.gitwatch.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A real smart-HTTP git server for tests: JGit's {@link GitServlet} in an embedded Jetty on
 * 127.0.0.1 and a random port, serving bare repositories from a directory.
 *
 * <p>Repositories are made and changed through JGit directly ({@link #createRepository}, {@link
 * #commit}, {@link #tag}); a filter in front of the servlet counts {@code info/refs} requests per
 * repository (every ls-remote starts with one) and can demand basic auth per repository.
 */
public final class LoopbackGitServer implements AutoCloseable {

  private static final PersonIdent AUTHOR =
      new PersonIdent("Gitwatch Test", "test@gitwatch.io", Instant.EPOCH, ZoneOffset.UTC);
  private static final String PREFIX = "/git/";

  private final Path root;
  // A directory of its own, made by startInTemporaryDirectory and deleted by close.
  private final boolean temporary;
  private final Server server;
  private final Map<String, AtomicInteger> infoRefs = new ConcurrentHashMap<>();
  private final Map<String, String> basicAuth = new ConcurrentHashMap<>();
  private final Set<String> hanging = ConcurrentHashMap.newKeySet();
  private final Set<String> trickling = ConcurrentHashMap.newKeySet();
  private final Map<String, String> redirects = new ConcurrentHashMap<>();
  private final Map<String, String> texts = new ConcurrentHashMap<>();

  private final String scheme;

  private LoopbackGitServer(Path root, TestCertificate certificate, boolean temporary) {
    this.root = root;
    this.temporary = temporary;
    this.server = new Server();
    ServerConnector connector;
    if (certificate == null) {
      scheme = "http";
      connector = new ServerConnector(server);
    } else {
      scheme = "https";
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStorePath(certificate.keyStore().toString());
      tls.setKeyStoreType("PKCS12");
      tls.setKeyStorePassword(certificate.password());
      // Jetty would refuse requests whose host the certificate does not name (SNI host check);
      // a real server serves them, which is what the insecure mode must be tested against.
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      HttpConfiguration http = new HttpConfiguration();
      http.addCustomizer(secure);
      connector =
          new ServerConnector(
              server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
    }
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);

    GitServlet git = new GitServlet();
    git.setRepositoryResolver(
        (request, name) -> {
          try {
            return open(name);
          } catch (RepositoryNotFoundException e) {
            throw e;
          } catch (IOException e) {
            throw new RepositoryNotFoundException(name, e);
          }
        });
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(git), PREFIX + "*");
    context.addFilter(
        new FilterHolder(new Gate()), PREFIX + "*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);
  }

  /** Starts a server for the bare repositories under {@code root}. */
  public static LoopbackGitServer start(Path root) {
    return start(new LoopbackGitServer(root, null, false));
  }

  /**
   * Starts a server in a new temporary directory, which {@link #close} deletes: for a test class's
   * {@code @AutoClose static} field, where a {@code @TempDir} is not injected yet.
   */
  public static LoopbackGitServer startInTemporaryDirectory() {
    try {
      return start(new LoopbackGitServer(Files.createTempDirectory("gitwatch-git"), null, true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts an HTTPS-only server presenting {@code certificate}. */
  public static LoopbackGitServer startTls(Path root, TestCertificate certificate) {
    return start(new LoopbackGitServer(root, certificate, false));
  }

  private static LoopbackGitServer start(LoopbackGitServer server) {
    try {
      server.server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the loopback git server", e);
    }
    return server;
  }

  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** The URL of repository {@code name}: {@code http(s)://127.0.0.1:<port>/git/<name>.git}. */
  public String url(String name) {
    return scheme + "://127.0.0.1:" + port() + PREFIX + name + ".git";
  }

  /**
   * Another URL of repository {@code name}, {@code .../git/<name>~<alias>.git}: to a client a
   * different repository, served from the same one, so benchmarks can poll thousands of
   * repositories without creating them.
   */
  public String url(String name, int alias) {
    return scheme + "://127.0.0.1:" + port() + PREFIX + name + "~" + alias + ".git";
  }

  /** The {@code file://} URL of repository {@code name}. */
  public String fileUrl(String name) {
    return directory(name).toUri().toString();
  }

  /** The bare repository's directory. */
  public Path directory(String name) {
    return root.resolve(name + ".git");
  }

  /** Creates an empty bare repository whose HEAD points to {@code refs/heads/main}. */
  public void createRepository(String name) {
    try (Repository repository =
        new FileRepositoryBuilder().setGitDir(directory(name).toFile()).setBare().build()) {
      repository.create(true);
      setHead(repository, "main");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Points the repository's HEAD at {@code branch} (a symbolic ref, as {@code git init} does). */
  public void setHead(String name, String branch) {
    try (Repository repository = open(name)) {
      setHead(repository, branch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Commits {@code files} (name → content, a flat tree) on top of {@code branch}, creating the
   * branch if needed; returns the commit's SHA.
   */
  public String commit(String name, String branch, Map<String, String> files) {
    try (Repository repository = open(name);
        ObjectInserter inserter = repository.newObjectInserter()) {
      TreeFormatter tree = new TreeFormatter();
      for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
        ObjectId blob =
            inserter.insert(Constants.OBJ_BLOB, file.getValue().getBytes(StandardCharsets.UTF_8));
        tree.append(file.getKey(), FileMode.REGULAR_FILE, blob);
      }
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(inserter.insert(tree));
      commit.setAuthor(AUTHOR);
      commit.setCommitter(AUTHOR);
      commit.setMessage("change " + files.keySet() + " on " + branch + "\n");
      ObjectId parent = repository.resolve(Constants.R_HEADS + branch);
      if (parent != null) {
        commit.setParentId(parent);
      }
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      update(repository, Constants.R_HEADS + branch, id);
      return id.name();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Commits one file with a unique content on {@code branch}; returns the commit's SHA. */
  public String commit(String name, String branch) {
    return commit(name, branch, Map.of("file.txt", branch + " " + System.nanoTime()));
  }

  /** Points {@code branch} at {@code commit}, as a push that lands later would. */
  public void moveBranch(String name, String branch, String commit) {
    try (Repository repository = open(name)) {
      update(repository, Constants.R_HEADS + branch, ObjectId.fromString(commit));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A lightweight tag: {@code refs/tags/<tag>} pointing straight at {@code commit}. */
  public void tag(String name, String tag, String commit) {
    try (Repository repository = open(name)) {
      update(repository, Constants.R_TAGS + tag, ObjectId.fromString(commit));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An annotated tag: a tag object pointing at {@code commit}; returns the tag object's id. */
  public String annotatedTag(String name, String tag, String commit) {
    try (Repository repository = open(name);
        ObjectInserter inserter = repository.newObjectInserter()) {
      TagBuilder builder = new TagBuilder();
      builder.setTag(tag);
      builder.setObjectId(ObjectId.fromString(commit), Constants.OBJ_COMMIT);
      builder.setTagger(AUTHOR);
      builder.setMessage("release " + tag + "\n");
      ObjectId id = inserter.insert(builder);
      inserter.flush();
      update(repository, Constants.R_TAGS + tag, id);
      return id.name();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Demands HTTP basic auth with exactly these credentials for repository {@code name}. */
  public void requireBasicAuth(String name, String username, String password) {
    basicAuth.put(
        name + ".git",
        "Basic "
            + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }

  /** How many {@code info/refs} requests repository {@code name} has answered or refused. */
  public int infoRefsRequests(String name) {
    AtomicInteger count = infoRefs.get(name + ".git");
    return count == null ? 0 : count.get();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the loopback git server", e);
    }
    if (temporary) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Repository open(String name) throws IOException {
    String directory = name.endsWith(".git") ? name : name + ".git";
    directory = directory.replaceFirst("~\\d+\\.git$", ".git"); // an alias: see url(name, alias)
    Path gitDir = root.resolve(directory).normalize();
    if (!gitDir.startsWith(root) || !Files.isDirectory(gitDir)) {
      throw new RepositoryNotFoundException(name);
    }
    return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
  }

  private static void setHead(Repository repository, String branch) throws IOException {
    RefUpdate.Result result = repository.updateRef(Constants.HEAD).link(Constants.R_HEADS + branch);
    if (result != RefUpdate.Result.NEW
        && result != RefUpdate.Result.FORCED
        && result != RefUpdate.Result.NO_CHANGE) {
      throw new IOException("cannot point HEAD at " + branch + ": " + result);
    }
  }

  private static void update(Repository repository, String ref, ObjectId id) throws IOException {
    RefUpdate update = repository.updateRef(ref);
    update.setNewObjectId(id);
    update.setForceUpdate(true);
    RefUpdate.Result result = update.update();
    if (result != RefUpdate.Result.NEW
        && result != RefUpdate.Result.FORCED
        && result != RefUpdate.Result.NO_CHANGE
        && result != RefUpdate.Result.FAST_FORWARD) {
      throw new IOException("cannot update " + ref + ": " + result);
    }
  }

  /**
   * From now on, the ref advertisement of repository {@code name} starts at once and then sends one
   * byte per second, for ever (five minutes at most): every read a client makes gets a byte in
   * time, so only a deadline on the whole call ends it.
   */
  public void trickle(String name) {
    trickling.add(name);
  }

  /** From now on, requests for repository {@code name} are answered 302 to {@code location}. */
  public void redirect(String name, String location) {
    redirects.put(name, location);
  }

  /** From now on, repository {@code name} answers 200 with this text, which is not git's. */
  public void answerText(String name, String text) {
    texts.put(name, text);
  }

  /**
   * From now on, requests for repository {@code name} hang without an answer until {@link #answer},
   * requests for repository {@code name} hang without an answer until {@link #answer} (or a minute,
   * so a forgotten test cannot pin Jetty's threads forever).
   */
  public void hang(String name) {
    hanging.add(name);
  }

  public void answer(String name) {
    synchronized (hanging) {
      hanging.remove(name);
      hanging.notifyAll();
    }
  }

  private static void trickleAdvertisement(HttpServletResponse response) throws IOException {
    response.setContentType("application/x-git-upload-pack-advertisement");
    var out = response.getOutputStream();
    byte[] start = "001e# service=git-upload-pack\n0000".getBytes(StandardCharsets.US_ASCII);
    out.write(start);
    out.flush();
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
    // A pkt-line that never ends: "ffff" announces 65531 more bytes.
    byte[] endless =
        "ffff0000000000000000000000000000000000000000 HEAD".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; System.nanoTime() < until; i++) {
      out.write(endless[Math.min(i, endless.length - 1)]);
      out.flush(); // throws once the client is gone
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void waitWhileHanging(String repository) {
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    synchronized (hanging) {
      while (hanging.contains(repository) && System.nanoTime() < until) {
        try {
          hanging.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Counts ref advertisements, plays the faults asked for and enforces basic auth. */
  private final class Gate implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest request = (HttpServletRequest) req;
      HttpServletResponse response = (HttpServletResponse) res;
      String path = URI.create(request.getRequestURI()).getPath().substring(PREFIX.length());
      String repository = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
      if (path.endsWith("/info/refs")) {
        infoRefs.computeIfAbsent(repository, key -> new AtomicInteger()).incrementAndGet();
      }
      String name =
          repository.endsWith(".git")
              ? repository.substring(0, repository.length() - 4)
              : repository;
      waitWhileHanging(name);
      if (redirects.containsKey(name)) {
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", redirects.get(name));
        return;
      }
      if (texts.containsKey(name)) {
        response.setContentType("text/plain");
        response.getOutputStream().write(texts.get(name).getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (trickling.contains(name)) {
        trickleAdvertisement(response);
        return;
      }
      String expected = basicAuth.get(repository);
      if (expected != null && !expected.equals(request.getHeader("Authorization"))) {
        response.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        return;
      }
      chain.doFilter(req, res);
    }
  }
}
