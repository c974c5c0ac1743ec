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
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<Write> writes = new CopyOnWriteArrayList<>();
  private final Set<String> failingNames = ConcurrentHashMap.newKeySet();
  private volatile boolean down;

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
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new RecordingDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), port);
    client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(crd()).create();
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

  private class RecordingDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (down) {
        return new MockResponse()
            .setResponseCode(503)
            .setBody("{\"kind\":\"Status\",\"code\":503}");
      }
      String method = request.getMethod();
      if (!method.equals("GET")) {
        String path = request.getPath();
        if (failingNames.stream().anyMatch(n -> path.contains("/gitrepos/" + n))) {
          return new MockResponse()
              .setResponseCode(500)
              .setBody("{\"kind\":\"Status\",\"code\":500}");
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
