package io.gitwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gitwatch.webhook.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

/**
 * The container image and the Kubernetes manifests agree with the application: its port, health
 * endpoints, configuration keys, Kubernetes API calls and build output. Plain files, no cluster.
 */
class ManifestsTest {

  private static final Path BASEDIR = Path.of(System.getProperty("gitwatch.basedir", "."));
  private static final Path KUBERNETES = BASEDIR.resolve("kubernetes");
  private static final Path SOURCES = BASEDIR.resolve("src/main/java");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** The global webhook Secret's name (WebhookSecrets.GLOBAL), Fleet's. */
  private static final String GLOBAL_WEBHOOK_SECRET = "gitjob-webhook";

  private static final Map<String, String> HEALTH_PROBES =
      Map.of(
          "startupProbe", "/health/started",
          "livenessProbe", "/health/live",
          "readinessProbe", "/health/ready");

  /** One Kubernetes permission: API group, resource, verb. */
  private record Permission(String group, String resource, String verb) {
    @Override
    public String toString() {
      return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
    }
  }

  /** Where a permission must be granted: in every namespace, or only in Gitwatch's own. */
  private enum Scope {
    CLUSTER,
    GITWATCH_NAMESPACE
  }

  /**
   * Every Kubernetes API call the code makes, keyed by the client call it starts with in {@code
   * src/main/java}, and the permissions it needs. {@code leaderElector()} holds the polling Lease.
   */
  private static final Map<String, Map<Permission, Scope>> API_CALLS =
      Map.of(
          "resources(GitRepo.class)",
          Map.of(
              new Permission("fleet.cattle.io", "gitrepos", "list"), Scope.CLUSTER,
              new Permission("fleet.cattle.io", "gitrepos", "watch"), Scope.CLUSTER,
              new Permission("fleet.cattle.io", "gitrepos", "get"), Scope.CLUSTER,
              new Permission("fleet.cattle.io", "gitrepos/status", "patch"), Scope.CLUSTER),
          "secrets()",
          Map.of(new Permission("", "secrets", "get"), Scope.CLUSTER),
          // Fleet's tenant restrictions, GitRepoRestriction and Policy: informers, as for GitRepos.
          "genericKubernetesResources(kind)",
          Map.of(
              new Permission("fleet.cattle.io", "gitreporestrictions", "list"), Scope.CLUSTER,
              new Permission("fleet.cattle.io", "gitreporestrictions", "watch"), Scope.CLUSTER,
              new Permission("fleet.cattle.io", "policies", "list"), Scope.CLUSTER,
              new Permission("fleet.cattle.io", "policies", "watch"), Scope.CLUSTER),
          "events()",
          Map.of(new Permission("", "events", "create"), Scope.CLUSTER),
          // Fleet's known-hosts ConfigMap, by name in gitwatch.namespace
          "configMaps()",
          Map.of(new Permission("", "configmaps", "get"), Scope.GITWATCH_NAMESPACE),
          // GET /version, the readiness check: open to every authenticated user
          // (system:public-info-viewer), so it needs no grant of ours.
          "getKubernetesVersion()",
          Map.of(),
          // reads the client's own settings (the request timeout): no call to the API server
          "getConfiguration()",
          Map.of(),
          "leaderElector()",
          Map.of(
              new Permission("coordination.k8s.io", "leases", "get"), Scope.GITWATCH_NAMESPACE,
              new Permission("coordination.k8s.io", "leases", "create"), Scope.GITWATCH_NAMESPACE,
              new Permission("coordination.k8s.io", "leases", "patch"), Scope.GITWATCH_NAMESPACE),
          // A replica that stops releases the Lease itself (see PollingLease.release).
          "leases()",
          Map.of(
              new Permission("coordination.k8s.io", "leases", "get"), Scope.GITWATCH_NAMESPACE,
              new Permission("coordination.k8s.io", "leases", "patch"), Scope.GITWATCH_NAMESPACE));

  private static Map<String, Object> kustomization;
  private static String namespace;
  private static List<String> resourcePaths;
  private static List<HasMetadata> resources;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void loadManifests() throws IOException {
    try (InputStream in = Files.newInputStream(KUBERNETES.resolve("kustomization.yaml"))) {
      kustomization = new Yaml().load(in);
    }
    namespace = (String) kustomization.get("namespace");
    resourcePaths = (List<String>) kustomization.get("resources");
    resources = new ArrayList<>();
    for (String path : resourcePaths) {
      Path file = KUBERNETES.resolve(path);
      if (Files.isRegularFile(file)) {
        resources.addAll(parse(file));
      }
    }
  }

  @Test
  void everyKustomizationResourceExistsAndParsesAsKnownKubernetesKinds() {
    assertThat(kustomization)
        .containsEntry("apiVersion", "kustomize.config.k8s.io/v1beta1")
        .containsEntry("kind", "Kustomization");
    assertThat(namespace).isEqualTo("gitwatch");
    assertThat(resourcePaths).isNotEmpty().doesNotHaveDuplicates();
    for (String path : resourcePaths) {
      Path file = KUBERNETES.resolve(path);
      assertThat(file).as(path).isRegularFile();
      assertThat(parse(file))
          .as(path)
          .isNotEmpty()
          .allSatisfy(
              resource -> {
                assertThat(resource)
                    .as(path + ": apiVersion and kind name a known model")
                    .isNotInstanceOf(GenericKubernetesResource.class);
                assertThat(resource.getMetadata().getName()).as(path).isNotBlank();
              });
    }
  }

  @Test
  void everyManifestInTheDirectoryIsAResourceOfTheKustomizationOrOfAComponent() throws IOException {
    List<String> listed = new ArrayList<>(resourcePaths);
    listed.addAll(MONITORING_RESOURCES.stream().map(r -> "monitoring/" + r).toList());
    try (Stream<Path> files = Files.walk(KUBERNETES)) {
      List<String> manifests =
          files
              .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
              .map(f -> KUBERNETES.relativize(f).toString().replace('\\', '/'))
              .toList();
      assertThat(listed).containsExactlyInAnyOrderElementsOf(manifests);
    }
  }

  @Test
  void namespacedResourcesLiveInTheKustomizationNamespace() {
    assertThat(one(Namespace.class).getMetadata().getName()).isEqualTo(namespace);
    for (HasMetadata resource : resources) {
      if (resource instanceof Namespaced) {
        assertThat(resource.getMetadata().getNamespace())
            .as(resource.getKind() + " " + resource.getMetadata().getName())
            .isEqualTo(namespace);
      }
    }
  }

  @Test
  void containerPortIsServerXmlHttpPortAndTheImagesExposedPort() throws IOException {
    ContainerPort http = httpPort();
    assertThat(http.getContainerPort()).isEqualTo(serverXmlHttpPort()).isEqualTo(9080);
    assertThat(dockerfile("EXPOSE")).containsExactly(String.valueOf(serverXmlHttpPort()));
  }

  @Test
  void probesAreTheMicroProfileHealthEndpointsOnTheHttpPort() {
    Container container = container();
    Map<String, Probe> probes = new LinkedHashMap<>();
    probes.put("startupProbe", container.getStartupProbe());
    probes.put("livenessProbe", container.getLivenessProbe());
    probes.put("readinessProbe", container.getReadinessProbe());
    probes.forEach(
        (name, probe) -> {
          assertThat(probe).as(name).isNotNull();
          HTTPGetAction get = probe.getHttpGet();
          assertThat(get).as(name + " is an HTTP GET").isNotNull();
          assertThat(get.getPath()).as(name).isEqualTo(HEALTH_PROBES.get(name));
          assertThat(resolvePort(get.getPort())).as(name + " port").isEqualTo(serverXmlHttpPort());
        });
  }

  @Test
  void serviceSelectsThePodsAndTargetsTheHttpPort() {
    Service service = one(Service.class);
    assertThat(service.getMetadata().getName()).isEqualTo("gitwatch");
    assertThat(podLabels()).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getPort()).isEqualTo(80);
              assertThat(resolvePort(port.getTargetPort())).isEqualTo(serverXmlHttpPort());
            });
  }

  @Test
  void ingressRoutesOnlyTheWebhookPathsToTheServiceOverTls() {
    Service service = one(Service.class);
    Ingress ingress = one(Ingress.class);
    var rule = ingress.getSpec().getRules().get(0);
    assertThat(ingress.getSpec().getTls())
        .singleElement()
        .satisfies(
            tls -> {
              assertThat(tls.getHosts()).containsExactly(rule.getHost());
              assertThat(tls.getSecretName()).isNotBlank();
            });
    var paths = rule.getHttp().getPaths();
    assertThat(paths).extracting(p -> p.getPath()).containsExactlyInAnyOrder("/webhook", "/hook");
    assertThat(paths)
        .allSatisfy(
            path -> {
              assertThat(path.getPathType()).isEqualTo("Prefix");
              for (String internal : List.of("/metrics", "/health/ready", "/health/live")) {
                assertThat(prefixMatches(path.getPath(), internal))
                    .as(path.getPath() + " must not route " + internal)
                    .isFalse();
              }
              assertThat(path.getBackend().getService().getName())
                  .isEqualTo(service.getMetadata().getName());
              ServiceBackendPort port = path.getBackend().getService().getPort();
              assertThat(service.getSpec().getPorts())
                  .anySatisfy(
                      p ->
                          assertThat(
                                  port.getName() != null
                                      ? port.getName().equals(p.getName())
                                      : port.getNumber().equals(p.getPort()))
                              .isTrue());
            });
  }

  @Test
  void networkPolicyAdmitsOnlyTheHttpPortAndLetsOutDnsTheApiServerAndGitHosts() {
    NetworkPolicy policy = one(NetworkPolicy.class);
    assertThat(podLabels())
        .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");

    assertThat(policy.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getPorts())
                  .singleElement()
                  .satisfies(
                      port -> {
                        assertThat(port.getProtocol()).isEqualTo("TCP");
                        assertThat(resolvePort(port.getPort())).isEqualTo(serverXmlHttpPort());
                      });
            });

    Set<String> egress = new TreeSet<>();
    policy
        .getSpec()
        .getEgress()
        .forEach(
            rule -> {
              assertThat(rule.getPorts()).as("every egress rule names its ports").isNotEmpty();
              rule.getPorts()
                  .forEach(p -> egress.add(p.getProtocol() + "/" + p.getPort().getIntVal()));
              rule.getTo().stream()
                  .filter(peer -> peer.getIpBlock() != null)
                  .forEach(
                      peer ->
                          assertThat(peer.getIpBlock().getExcept())
                              .as("link-local (cloud metadata) stays unreachable")
                              .containsAnyOf("169.254.0.0/16", "fe80::/10"));
            });
    // DNS, the API server (Service port and the usual endpoint port), HTTPS and SSH git hosts
    assertThat(egress)
        .containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/443", "TCP/6443", "TCP/22");
  }

  @Test
  void monitoringComponentScrapesTheServicesHttpPortAndHoldsTheAlerts() throws IOException {
    Map<String, Object> component = yaml(KUBERNETES.resolve("monitoring/kustomization.yaml"));
    assertThat(component)
        .containsEntry("apiVersion", "kustomize.config.k8s.io/v1alpha1")
        .containsEntry("kind", "Component");
    assertThat(Files.readString(KUBERNETES.resolve("kustomization.yaml")))
        .as("the main kustomization says how to enable it")
        .contains("#   - monitoring");

    Map<String, Object> monitor = monitoringResource("ServiceMonitor");
    Service service = one(Service.class);
    assertThat(service.getMetadata().getLabels())
        .containsAllEntriesOf(stringMap(at(monitor, "spec", "selector", "matchLabels")));
    List<Map<String, Object>> endpoints = list(at(monitor, "spec", "endpoints"));
    assertThat(endpoints)
        .singleElement()
        .satisfies(
            endpoint -> {
              assertThat(endpoint).containsEntry("path", "/metrics");
              assertThat(service.getSpec().getPorts())
                  .extracting(p -> p.getName())
                  .contains((String) endpoint.get("port"));
            });

    Map<String, Object> rules = monitoringResource("PrometheusRule");
    List<String> alerts = new ArrayList<>();
    for (Map<String, Object> group :
        ManifestsTest.<Map<String, Object>>list(at(rules, "spec", "groups"))) {
      for (Map<String, Object> rule : ManifestsTest.<Map<String, Object>>list(group.get("rules"))) {
        assertThat((String) rule.get("expr")).as("expr").isNotBlank();
        alerts.add((String) rule.get("alert"));
      }
    }
    assertThat(alerts)
        .containsExactlyInAnyOrder(
            "GitwatchWebhookVerificationFailures",
            "GitwatchPollsFailing",
            "GitwatchNoPollingLeader",
            "GitwatchWebhookDeliveriesRefusedForLoad");
  }

  @Test
  void deploymentCommentSaysOnlyTheLeaseHolderPolls() throws IOException {
    assertThat(Files.readString(KUBERNETES.resolve("deployment.yaml")))
        .contains("only the holder of the Lease")
        .doesNotContain("each replica also polls");
  }

  @Test
  void disruptionBudgetKeepsOneOfSeveralReplicas() {
    Deployment deployment = one(Deployment.class);
    PodDisruptionBudget pdb = one(PodDisruptionBudget.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertThat(podLabels()).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    assertThat(podLabels())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void containerRunsUnprivileged() {
    var pod = one(Deployment.class).getSpec().getTemplate().getSpec();
    var container = container().getSecurityContext();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getPrivileged()).isNotEqualTo(Boolean.TRUE);
  }

  @Test
  void configMapKeysAreSettingsTheCodeReads() throws IOException {
    Set<String> configKeys = configPropertyNames();
    // The scan itself works: these are read by the code, so they must be found.
    assertThat(configKeys)
        .contains("gitwatch.store", "gitwatch.namespace", "gitwatch.polling.default-interval");
    Set<String> envForms =
        configKeys.stream().map(ManifestsTest::envForm).collect(Collectors.toSet());

    ConfigMap config = one(ConfigMap.class);
    assertThat(config.getData()).isNotEmpty();
    assertThat(config.getData().keySet()).allSatisfy(key -> assertThat(envForms).contains(key));
    assertThat(config.getData())
        .as("Gitwatch reads the GitRepos of this cluster and its Secret from its own namespace")
        .containsEntry("GITWATCH_STORE", "kubernetes")
        .containsEntry("GITWATCH_NAMESPACE", namespace);

    assertThat(container().getEnvFrom())
        .anySatisfy(
            source ->
                assertThat(source.getConfigMapRef().getName())
                    .isEqualTo(config.getMetadata().getName()));
  }

  @Test
  void webhookSecretHasAKeyForEveryProviderInGitwatchNamespace() {
    Secret secret = one(Secret.class);
    Set<String> keys = new TreeSet<>(Set.of("azure-password"));
    Arrays.stream(Provider.values()).map(Provider::secretKey).forEach(keys::add);
    assertThat(secret.getMetadata().getName()).isEqualTo(GLOBAL_WEBHOOK_SECRET);
    assertThat(secret.getMetadata().getNamespace()).isEqualTo(namespace);
    assertThat(secret.getStringData().keySet()).containsExactlyInAnyOrderElementsOf(keys);
  }

  @Test
  void everyKubernetesCallOfTheCodeIsInTheRbacTable() throws IOException {
    assertThat(kubernetesClientCalls())
        .isNotEmpty()
        .allSatisfy(call -> assertThat(API_CALLS).containsKey(call));
  }

  @Test
  void rbacGrantsTheServiceAccountEveryCallOfTheCodeAndNothingMore() {
    Map<Permission, Scope> granted = grantedToServiceAccount();
    Map<Permission, Scope> needed = new LinkedHashMap<>();
    API_CALLS.values().forEach(needed::putAll);

    needed.forEach(
        (permission, scope) -> assertThat(granted).as("granted").containsEntry(permission, scope));
    assertThat(granted.keySet())
        .as("nothing beyond what the code calls")
        .allSatisfy(permission -> assertThat(needed).containsKey(permission));
    assertThat(granted.keySet())
        .noneMatch(p -> p.verb().equals("*") || p.resource().equals("*") || p.group().equals("*"))
        .doesNotContain(
            new Permission("", "secrets", "list"), new Permission("", "secrets", "watch"));
  }

  @Test
  void deploymentRunsAsTheBoundServiceAccount() {
    String account = one(ServiceAccount.class).getMetadata().getName();
    assertThat(one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(account);
    Subject subject = new Subject(null, "ServiceAccount", account, namespace);
    assertThat(all(ClusterRoleBinding.class))
        .isNotEmpty()
        .allSatisfy(binding -> assertThat(binding.getSubjects()).containsExactly(subject));
    assertThat(all(RoleBinding.class))
        .isNotEmpty()
        .allSatisfy(binding -> assertThat(binding.getSubjects()).containsExactly(subject));
  }

  @Test
  void dockerfileBuildsOnOpenLibertyWithTheTestedVersionAndNoBuildTools() throws Exception {
    assertThat(dockerfile("FROM"))
        .as("a single stage")
        .singleElement()
        .satisfies(
            from ->
                assertThat(resolveArgs(from))
                    .isEqualTo(
                        "icr.io/appcafe/open-liberty:"
                            + pomProperty("liberty.runtime.version")
                            + "-kernel-slim-java17-openj9-ubi-minimal"));
    assertThat(dockerfile("RUN")).containsExactly("features.sh", "configure.sh");
    assertThat(dockerfile("USER")).containsExactly("1001");
  }

  @Test
  void dockerfileCopiesTheLibertyConfigurationTheTestsUse() throws Exception {
    Path configDirectory =
        Path.of(
            pluginConfiguration("liberty-maven-plugin", "configDirectory")
                .replace("${project.basedir}", BASEDIR.toString()));
    Map<String, String> copies = copies();
    assertThat(copies).containsEntry("liberty/server.xml", "/config/");
    assertThat(BASEDIR.resolve("liberty/server.xml").normalize())
        .isEqualTo(configDirectory.resolve("server.xml").normalize());
    copies.keySet().stream()
        .filter(source -> !source.startsWith("target/"))
        .forEach(source -> assertThat(BASEDIR.resolve(source)).as(source).exists());
  }

  @Test
  void dockerfileDeploysTheWarAtTheRootAsTheTestsDo() throws Exception {
    String war = "target/" + pomText("build", "finalName") + ".war";
    assertThat(copies()).containsEntry(war, "/config/apps/");

    Document app = xml(BASEDIR.resolve("liberty/container/app.xml"));
    assertThat(copies())
        .containsEntry("liberty/container/app.xml", "/config/configDropins/defaults/");
    Element webApplication = (Element) app.getElementsByTagName("webApplication").item(0);
    assertThat(webApplication.getAttribute("location"))
        .isEqualTo(Path.of(war).getFileName().toString());
    String ibmWebExtRoot =
        ((Element)
                xml(BASEDIR.resolve("src/main/webapp/WEB-INF/ibm-web-ext.xml"))
                    .getElementsByTagName("context-root")
                    .item(0))
            .getAttribute("uri");
    assertThat(webApplication.getAttribute("contextRoot")).isEqualTo(ibmWebExtRoot).isEqualTo("/");
    assertThat(
            xml(BASEDIR.resolve("liberty/server.xml"))
                .getElementsByTagName("webApplication")
                .getLength())
        .as("server.xml configures no application: the test server deploys through dropins")
        .isZero();
  }

  @Test
  void dockerfileCopiesTheWarMavenBuilt() throws Exception {
    Path war = BASEDIR.resolve("target/" + pomText("build", "finalName") + ".war");
    assumeTrue(Files.isRegularFile(war), "the WAR is not built (run mvn package)");
    assertThat(copies().keySet())
        .filteredOn(source -> source.startsWith("target/"))
        .allSatisfy(source -> assertThat(BASEDIR.resolve(source)).as(source).exists());
  }

  @Test
  void dockerignoreLetsEveryCopiedFileThrough() throws IOException {
    List<String> patterns =
        Files.readAllLines(BASEDIR.resolve(".dockerignore")).stream()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();
    assertThat(patterns).contains("*");
    List<String> allowed =
        patterns.stream().filter(p -> p.startsWith("!")).map(p -> p.substring(1)).toList();
    assertThat(copies().keySet())
        .allSatisfy(
            source ->
                assertThat(allowed)
                    .as(source)
                    .anyMatch(
                        a ->
                            a.equals(source)
                                || (a.endsWith("/")
                                    ? source.startsWith(a)
                                    : source.startsWith(a + "/"))));
  }

  // --- manifests

  /** The resources of the monitoring component, from its kustomization. */
  private static final List<String> MONITORING_RESOURCES = monitoringResourcePaths();

  private static List<String> monitoringResourcePaths() {
    return list(yaml(KUBERNETES.resolve("monitoring/kustomization.yaml")).get("resources")).stream()
        .map(Object::toString)
        .toList();
  }

  /** The one manifest of this kind in the monitoring component, as YAML maps (no fabric8 model). */
  private static Map<String, Object> monitoringResource(String kind) {
    List<Map<String, Object>> found =
        MONITORING_RESOURCES.stream()
            .map(r -> yaml(KUBERNETES.resolve("monitoring").resolve(r)))
            .filter(doc -> kind.equals(doc.get("kind")))
            .toList();
    assertThat(found).as(kind).hasSize(1);
    Map<String, Object> resource = found.get(0);
    assertThat(resource).containsEntry("apiVersion", "monitoring.coreos.com/v1");
    assertThat(stringMap(resource.get("metadata"))).containsEntry("namespace", namespace);
    return resource;
  }

  /**
   * Whether an Ingress path of type Prefix routes {@code requestPath} (element-wise, as
   * Kubernetes).
   */
  static boolean prefixMatches(String prefix, String requestPath) {
    String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return trimmed.isEmpty()
        || requestPath.equals(trimmed)
        || requestPath.startsWith(trimmed + "/");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return (Map<String, Object>) new Yaml().load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> map, String... keys) {
    Object current = map;
    for (String key : keys) {
      assertThat(current).as(String.join(".", keys)).isInstanceOf(Map.class);
      current = ((Map<String, Object>) current).get(key);
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<T>) value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> stringMap(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, String>) value;
  }

  private static List<HasMetadata> parse(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Object parsed = SERIALIZATION.unmarshal(in);
      List<HasMetadata> documents = new ArrayList<>();
      if (parsed instanceof Collection<?> many) {
        many.forEach(o -> documents.add((HasMetadata) o));
      } else if (parsed != null) {
        documents.add((HasMetadata) parsed);
      }
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T extends HasMetadata> List<T> all(Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    assertThat(found).as(type.getSimpleName() + " manifests").hasSize(1);
    return found.get(0);
  }

  private static Container container() {
    List<Container> containers =
        one(Deployment.class).getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static Map<String, String> podLabels() {
    return one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
  }

  private static ContainerPort httpPort() {
    return container().getPorts().stream()
        .filter(p -> "http".equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named http"));
  }

  /** A port given by number or by the name of a container port. */
  private static int resolvePort(IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container().getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
  }

  /** What the bound roles grant the Deployment's ServiceAccount, and where. */
  private static Map<Permission, Scope> grantedToServiceAccount() {
    String account =
        one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName();
    Map<Permission, Scope> granted = new LinkedHashMap<>();
    for (ClusterRoleBinding binding : all(ClusterRoleBinding.class)) {
      if (binds(binding.getSubjects(), account)) {
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        permissions(clusterRole(binding.getRoleRef()).getRules())
            .forEach(p -> granted.put(p, Scope.CLUSTER));
      }
    }
    for (RoleBinding binding : all(RoleBinding.class)) {
      if (binds(binding.getSubjects(), account)) {
        assertThat(binding.getRoleRef().getKind()).as("RoleBinding to a Role").isEqualTo("Role");
        Role role =
            all(Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals(binding.getRoleRef().getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Role " + binding.getRoleRef()));
        assertThat(role.getMetadata().getNamespace())
            .isEqualTo(binding.getMetadata().getNamespace())
            .isEqualTo(namespace);
        permissions(role.getRules()).forEach(p -> granted.putIfAbsent(p, Scope.GITWATCH_NAMESPACE));
      }
    }
    return granted;
  }

  private static boolean binds(List<Subject> subjects, String account) {
    return subjects.stream()
        .anyMatch(
            s ->
                "ServiceAccount".equals(s.getKind())
                    && account.equals(s.getName())
                    && namespace.equals(s.getNamespace()));
  }

  private static ClusterRole clusterRole(RoleRef ref) {
    return all(ClusterRole.class).stream()
        .filter(r -> r.getMetadata().getName().equals(ref.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ClusterRole " + ref.getName()));
  }

  private static List<Permission> permissions(List<PolicyRule> rules) {
    List<Permission> permissions = new ArrayList<>();
    for (PolicyRule rule : rules) {
      if (rule.getResources().contains("configmaps")) {
        // The one object read by name: Fleet's known-hosts ConfigMap, and nothing else.
        assertThat(rule.getResourceNames()).containsExactly("known-hosts");
        assertThat(rule.getResources()).containsExactly("configmaps");
        assertThat(rule.getVerbs()).containsExactly("get");
      } else {
        assertThat(rule.getResourceNames()).as("rules name no objects").isNullOrEmpty();
      }
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            permissions.add(new Permission(group, resource, verb));
          }
        }
      }
    }
    return permissions;
  }

  // --- source code

  private static final Pattern CONFIG_PROPERTY =
      Pattern.compile("@ConfigProperty\\s*\\(\\s*name\\s*=\\s*\"([^\"]+)\"");

  /** Every {@code @ConfigProperty(name = "...")} in the application's sources. */
  private static Set<String> configPropertyNames() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String source : sources()) {
      Matcher m = CONFIG_PROPERTY.matcher(source);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** MicroProfile Config's environment variable form: non-alphanumerics to _, upper case. */
  private static String envForm(String key) {
    return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  private static final Pattern CLIENT_FIELD =
      Pattern.compile("\\bKubernetesClient\\s+(\\w+)\\s*[;=)]");

  /**
   * The first API call on each use of a {@code KubernetesClient} in the sources, e.g. {@code
   * secrets()} or {@code resources(GitRepo.class)}; {@code v1()} is skipped as a mere version
   * selector, {@code close()} is no API call.
   */
  private static Set<String> kubernetesClientCalls() throws IOException {
    Set<String> calls = new TreeSet<>();
    for (String source : sources()) {
      Matcher field = CLIENT_FIELD.matcher(source);
      while (field.find()) {
        Pattern use =
            Pattern.compile(
                "\\b"
                    + field.group(1)
                    + "\\s*\\.\\s*(?:v1\\(\\)\\s*\\.\\s*)?(\\w+)\\s*\\(\\s*([\\w.]*)\\s*\\)");
        Matcher m = use.matcher(source);
        while (m.find()) {
          if (!m.group(1).equals("close")) {
            calls.add(m.group(1) + "(" + m.group(2) + ")");
          }
        }
      }
    }
    return calls;
  }

  private static List<String> sources() throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .map(
              f -> {
                try {
                  return Files.readString(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    }
  }

  // --- Dockerfile, pom.xml, server.xml

  /** The arguments of each Dockerfile instruction of this name, continuation lines joined. */
  private static List<String> dockerfile(String instruction) throws IOException {
    String text = Files.readString(BASEDIR.resolve("Dockerfile")).replaceAll("\\\\\\r?\\n", " ");
    return text.lines()
        .map(String::strip)
        .filter(line -> !line.startsWith("#"))
        .filter(line -> line.regionMatches(true, 0, instruction + " ", 0, instruction.length() + 1))
        .map(line -> line.substring(instruction.length()).strip())
        .toList();
  }

  /** COPY sources (relative to the build context) and their destinations. */
  private static Map<String, String> copies() throws IOException {
    Map<String, String> copies = new LinkedHashMap<>();
    for (String copy : dockerfile("COPY")) {
      List<String> words =
          Arrays.stream(copy.split("\\s+")).filter(w -> !w.startsWith("--")).toList();
      assertThat(words).as("COPY " + copy).hasSizeGreaterThanOrEqualTo(2);
      String destination = words.get(words.size() - 1);
      words.subList(0, words.size() - 1).forEach(source -> copies.put(source, destination));
    }
    return copies;
  }

  /** Replaces {@code ${NAME}} by the default of {@code ARG NAME=default}. */
  private static String resolveArgs(String text) throws IOException {
    for (String arg : dockerfile("ARG")) {
      String[] nameValue = arg.split("=", 2);
      if (nameValue.length == 2) {
        text = text.replace("${" + nameValue[0] + "}", nameValue[1]);
      }
    }
    return text;
  }

  private static int serverXmlHttpPort() {
    NodeList variables =
        xml(BASEDIR.resolve("liberty/server.xml")).getElementsByTagName("variable");
    for (int i = 0; i < variables.getLength(); i++) {
      Element variable = (Element) variables.item(i);
      if (variable.getAttribute("name").equals("http.port")) {
        return Integer.parseInt(variable.getAttribute("defaultValue"));
      }
    }
    throw new AssertionError("server.xml has no http.port variable");
  }

  private static String pomProperty(String name) {
    return pomText("properties", name);
  }

  /** The text of {@code /project/<parent>/<child>} in pom.xml. */
  private static String pomText(String parent, String child) {
    Element project = xml(BASEDIR.resolve("pom.xml")).getDocumentElement();
    return childText(childElement(project, parent), child);
  }

  private static String pluginConfiguration(String artifactId, String name) {
    Element project = xml(BASEDIR.resolve("pom.xml")).getDocumentElement();
    NodeList plugins = childElement(childElement(project, "build"), "plugins").getChildNodes();
    for (int i = 0; i < plugins.getLength(); i++) {
      if (plugins.item(i) instanceof Element plugin
          && artifactId.equals(childText(plugin, "artifactId"))) {
        return childText(childElement(plugin, "configuration"), name);
      }
    }
    throw new AssertionError("no plugin " + artifactId);
  }

  private static Element childElement(Element parent, String name) {
    NodeList children = parent.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
  }

  private static String childText(Element parent, String name) {
    NodeList children = parent.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().strip();
      }
    }
    return null;
  }

  private static Document xml(Path file) {
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(file.toFile());
    } catch (Exception e) {
      throw new AssertionError("cannot parse " + file, e);
    }
  }
}
