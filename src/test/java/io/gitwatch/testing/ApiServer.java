package io.gitwatch.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * fabric8's Kubernetes mock API server in CRUD mode, with the project's own GitRepo CRD loaded,
 * that records every write so tests can count them and can make chosen writes fail.
 *
 * <p>{@link Shared}, a JUnit extension, starts one server per JVM on the fixed loopback port {@code
 * it.kube.port}, the cluster the Liberty test server is configured with; {@link #start()} gives a
 * private one on a free port for plain tests.
 */
public final class ApiServer {

  private static ApiServer shared;

  private final int port;
  // The dispatcher holds the stored objects, so a server restarted with it still has them.
  private final RecordingDispatcher dispatcher = new RecordingDispatcher();
  private volatile KubernetesMockServer server;
  private final KubernetesClient client;
  // A queue, not a copy-on-write list: benchmarks record tens of thousands of writes.
  private final Queue<Write> writes = new ConcurrentLinkedQueue<>();
  private final Set<String> failingNames = ConcurrentHashMap.newKeySet();
  private final Map<String, Planned> planned = new ConcurrentHashMap<>();
  private final AtomicInteger faultsServed = new AtomicInteger();
  private volatile boolean down;
  private volatile double writeFailureRate;

  /** The next {@code times} writes to a GitRepo answer {@code code}, or come {@code late}. */
  private record Planned(int code, Duration late, AtomicInteger times) {}

  /** A write the API server received: method, path and body. */
  public record Write(String method, String path, String body) {
    public boolean isStatusPatchOf(String namespace, String name) {
      return method.equals("PATCH")
          && path.startsWith(
              "/apis/fleet.cattle.io/v1alpha1/namespaces/"
                  + namespace
                  + "/gitrepos/"
                  + name
                  + "/status");
    }
  }

  private ApiServer(int port) {
    server = listen(port);
    this.port = server.getPort();
    client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(crd()).create();
    // As on a Fleet cluster: Gitwatch watches Fleet's restriction objects where they exist.
    installFleetRestrictionCrds();
  }

  private KubernetesMockServer listen(int port) {
    var mock =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    mock.init(InetAddress.getLoopbackAddress(), port);
    return mock;
  }

  /** A private API server on a free port. */
  public static ApiServer start() {
    return new ApiServer(0);
  }

  /** The JVM's shared API server on {@code it.kube.port}, started on first use. */
  public static synchronized ApiServer shared() {
    if (shared == null) {
      shared = new ApiServer(Integer.getInteger("it.kube.port", 19081));
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return shared;
  }

  /** Starts the shared API server before Arquillian starts Liberty, which connects to it. */
  public static final class Shared implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
      shared();
    }
  }

  public KubernetesClient client() {
    return client;
  }

  /** How many requests got an injected fault instead of their answer, since the start. */
  public int faultsServed() {
    return faultsServed.get();
  }

  public List<Write> writes() {
    return List.copyOf(writes);
  }

  /** Every request answers 503 until {@link #answerAgain}, as an API server that went away. */
  public void stopAnswering() {
    down = true;
  }

  public void answerAgain() {
    down = false;
  }

  /**
   * The server goes away: its port is closed, so clients get "connection refused", and open watches
   * end. {@link #comeBack} listens again on the same port with the same stored objects.
   */
  public synchronized void disappear() {
    server.destroy();
  }

  public synchronized void comeBack() {
    server = listen(port);
  }

  /** The next {@code times} writes to GitRepos with this name answer {@code code}. */
  public void failNextWrites(String name, int code, int times) {
    planned.put(name, new Planned(code, Duration.ZERO, new AtomicInteger(times)));
  }

  /**
   * The next {@code times} writes to GitRepos with this name are answered only after {@code late},
   * with a 504 and without being applied, as an API server that hangs past the client's timeout.
   */
  public void delayNextWrites(String name, Duration late, int times) {
    planned.put(name, new Planned(504, late, new AtomicInteger(times)));
  }

  /**
   * The next {@code times} writes to GitRepos with this name are answered {@code code} after {@code
   * late}: a slow API server that refuses for a passing reason, retried by the client.
   */
  public void slowNextWrites(String name, int code, Duration late, int times) {
    planned.put(name, new Planned(code, late, new AtomicInteger(times)));
  }

  /**
   * Each write to any GitRepo answers 500 with this probability (0 to 1), until set back to 0: the
   * intermittent failures of an overloaded API server.
   */
  public void failWrites(double rate) {
    writeFailureRate = rate;
  }

  /** Writes to GitRepos with this name answer 500 until {@link #heal} is called. */
  public void breakWritesTo(String name) {
    failingNames.add(name);
  }

  public void heal(String name) {
    failingNames.remove(name);
  }

  public void stop() {
    client.close();
    server.destroy();
  }

  /**
   * Registers Fleet's own GitRepoRestriction and Policy CRDs (src/test/resources/fleet/crds.yaml),
   * as on a cluster that runs Fleet.
   */
  private void installFleetRestrictionCrds() {
    for (CustomResourceDefinition crd : fleetCrds()) {
      if (!crd.getSpec().getNames().getKind().equals("GitRepo")) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      }
    }
  }

  /** Fleet's own CRDs, as its fleet-crd chart installs them (see src/test/resources/fleet). */
  public static List<CustomResourceDefinition> fleetCrds() {
    try (InputStream in = ApiServer.class.getResourceAsStream("/fleet/crds.yaml")) {
      String all = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return java.util.Arrays.stream(all.split("(?m)^---\\s*$"))
          .filter(document -> document.contains("kind: CustomResourceDefinition"))
          .map(
              document ->
                  io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                      document, CustomResourceDefinition.class))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The project's own CRD manifest, so its schema is the one exercised. */
  public static CustomResourceDefinition crd() {
    Path file =
        Path.of(System.getProperty("gitwatch.basedir", "."), "kubernetes", "crd", "gitrepo.yaml");
    try (InputStream in = Files.newInputStream(file)) {
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private MockResponse plannedFault(String path) {
    for (Map.Entry<String, Planned> entry : planned.entrySet()) {
      Planned plan = entry.getValue();
      if ((path.contains("/gitrepos/" + entry.getKey() + "/")
              || path.endsWith("/gitrepos/" + entry.getKey()))
          && plan.times().getAndDecrement() > 0) {
        faultsServed.incrementAndGet();
        MockResponse response = status(plan.code());
        // the mock server cannot schedule a zero delay (Vert.x refuses timers under 1 ms)
        return plan.late().isZero() ? response : response.setBodyDelay(plan.late());
      }
    }
    return null;
  }

  private static MockResponse status(int code) {
    return new MockResponse()
        .setResponseCode(code)
        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"code\":" + code + "}");
  }

  private class RecordingDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (down) {
        return status(503);
      }
      String method = request.getMethod();
      if (!method.equals("GET")) {
        String path = request.getPath();
        if (failingNames.stream().anyMatch(n -> path.contains("/gitrepos/" + n))) {
          faultsServed.incrementAndGet();
          return status(500);
        }
        if (writeFailureRate > 0
            && path.contains("/gitrepos/")
            && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < writeFailureRate) {
          faultsServed.incrementAndGet();
          return status(500);
        }
        MockResponse fault = plannedFault(path);
        if (fault != null) {
          return fault;
        }
        writes.add(
            new Write(
                method,
                path,
                new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8)));
      }
      return super.dispatch(request);
    }
  }
}
