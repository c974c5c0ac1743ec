package io.gitwatch.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kubernetes API server (kube-apiserver 1.20.2 + etcd, through fabric8 kube-api-test) for
 * one test class, with the project's own GitRepo CRD installed; skips the class when the binaries
 * are not there.
 *
 * <p>Register it with {@code @RegisterExtension static final RealApiServer api = new
 * RealApiServer();}. The server runs with {@code --authorization-mode=RBAC}; {@link #client()} is a
 * {@code system:masters} client and {@link #as(String)} impersonates another identity, so RBAC
 * rules are enforced exactly as in a cluster. There is no controller-manager: no garbage
 * collection, no namespace finalization, no ServiceAccount token Secrets.
 */
public final class RealApiServer implements BeforeAllCallback, AfterAllCallback {

  /** The only version ../shared/tools/kube-apiserver builds. */
  public static final String VERSION = "1.20.2";

  private static final String HOW_TO_ENABLE =
      "Real API server tier skipped: build the binaries with ../shared/tools/kube-apiserver"
          + " \"$HOME/.cache/kube-api-test\" (about 5 min the first time), then export"
          + " KUBE_API_TEST_DIR=$HOME/.cache/kube-api-test KUBE_API_TEST_API_SERVER_VERSION="
          + VERSION;

  /** Which GitRepo CRD the server gets. */
  public enum Crds {
    /**
     * The project's reduced GitRepo CRD (kubernetes/crd/gitrepo.yaml), for clusters without Fleet.
     */
    PROJECT,
    /**
     * Fleet's own GitRepo, GitRepoRestriction and Policy CRDs, from its chart: the schemas a Fleet
     * cluster applies to what Gitwatch writes.
     */
    FLEET
  }

  private final Crds crds;
  private KubeAPIServer server;
  private Config adminConfig;
  private KubernetesClient admin;
  private final List<KubernetesClient> clients = new ArrayList<>();

  /** With the project's own GitRepo CRD. */
  public RealApiServer() {
    this(Crds.PROJECT);
  }

  public RealApiServer(Crds crds) {
    this.crds = crds;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    String dir = System.getenv("KUBE_API_TEST_DIR");
    if (dir == null || dir.isBlank()) {
      skip(context, "KUBE_API_TEST_DIR is unset");
    }
    Path bin = Path.of(dir, "k8s", VERSION + "-linux-amd64");
    for (String binary : List.of("kube-apiserver", "etcd")) {
      if (!Files.isExecutable(bin.resolve(binary))) {
        skip(context, bin.resolve(binary) + " is missing");
      }
    }
    start();
  }

  /** Whether the binaries are there: for {@code @EnabledIf} on classes that start it themselves. */
  public static boolean available() {
    String dir = System.getenv("KUBE_API_TEST_DIR");
    if (dir == null || dir.isBlank()) {
      System.err.println(HOW_TO_ENABLE + " (KUBE_API_TEST_DIR is unset)");
      return false;
    }
    Path bin = Path.of(dir, "k8s", VERSION + "-linux-amd64");
    boolean present =
        Files.isExecutable(bin.resolve("kube-apiserver"))
            && Files.isExecutable(bin.resolve("etcd"));
    if (!present) {
      System.err.println(HOW_TO_ENABLE + " (binaries missing in " + bin + ")");
    }
    return present;
  }

  /** Starts the API server and installs the CRDs. */
  public void start() {
    String dir = System.getenv("KUBE_API_TEST_DIR");
    long started = System.nanoTime();
    server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(dir)
                .withApiServerVersion(VERSION)
                .withUpdateKubeConfig(false)
                .build());
    server.start();
    adminConfig = Config.fromKubeconfig(server.getKubeConfigYaml());
    admin = new KubernetesClientBuilder().withConfig(adminConfig).build();
    (crds == Crds.FLEET ? ApiServer.fleetCrds() : List.of(ApiServer.crd())).forEach(this::install);
    System.out.printf(
        "Real API server %s up with the " + crds + " CRDs in %d ms%n",
        admin.getKubernetesVersion().getGitVersion(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  public void stop() {
    clients.forEach(KubernetesClient::close);
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  /** A {@code system:masters} client: every call is allowed. */
  public KubernetesClient client() {
    return admin;
  }

  /**
   * A client that impersonates {@code username} (e.g. {@code
   * system:serviceaccount:gitwatch:gitwatch}), so the API server authorizes its calls with that
   * identity's RBAC grants. Closed with the server.
   */
  public KubernetesClient as(String username) {
    Config config = new ConfigBuilder(adminConfig).build();
    config.setImpersonateUsername(username);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    clients.add(client);
    return client;
  }

  /**
   * A kubeconfig that authenticates as a ServiceAccount with a TokenRequest token, as a pod's
   * mounted token would: every call is authorized by that account's RBAC grants.
   */
  public String kubeconfigFor(String namespace, String serviceAccount) {
    String token =
        admin
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(serviceAccount)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: real
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: real
          context:
            cluster: real
            user: %s
            namespace: %s
        current-context: real
        """
        .formatted(
            adminConfig.getMasterUrl(), caData(), serviceAccount, token, serviceAccount, namespace);
  }

  private String caData() {
    if (adminConfig.getCaCertData() != null) {
      return adminConfig.getCaCertData();
    }
    try {
      return java.util.Base64.getEncoder()
          .encodeToString(Files.readAllBytes(Path.of(adminConfig.getCaCertFile())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates the namespace unless it exists (no controller-manager here ever deletes one). */
  public void namespace(String name) {
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .createOr(NonDeletingOperation::update);
  }

  /** Creates, or updates, every object of one of the project's manifests under kubernetes/. */
  public List<HasMetadata> apply(String manifest) {
    try (InputStream in = Files.newInputStream(basedir().resolve("kubernetes").resolve(manifest))) {
      List<HasMetadata> applied = new ArrayList<>();
      for (HasMetadata item : admin.load(in).items()) {
        applied.add(admin.resource(item).createOr(NonDeletingOperation::update));
      }
      return applied;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // Failsafe reports a class aborted in beforeAll as "Tests run: 0", without the reason: print it
  // too.
  private static void skip(ExtensionContext context, String why) {
    String message = HOW_TO_ENABLE + " (" + why + ")";
    System.err.println(context.getDisplayName() + ": " + message);
    Assumptions.assumeTrue(false, message);
  }

  private void install(CustomResourceDefinition crd) {
    admin.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              CustomResourceDefinition current =
                  admin
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName(crd.getMetadata().getName())
                      .get();
              return current.getStatus() != null
                  && current.getStatus().getConditions().stream()
                      .anyMatch(
                          c -> c.getType().equals("Established") && c.getStatus().equals("True"));
            });
  }

  private static Path basedir() {
    return Path.of(System.getProperty("gitwatch.basedir", "."));
  }
}
