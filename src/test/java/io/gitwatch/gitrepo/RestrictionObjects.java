package io.gitwatch.gitrepo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;

/** Fleet's GitRepoRestriction and Policy objects, created as a cluster's admin applies them. */
public final class RestrictionObjects {

  private RestrictionObjects() {}

  /** A GitRepoRestriction with these fields ({@code allowedRepoPatterns}, ...) in its namespace. */
  public static void gitRepoRestriction(
      KubernetesClient client, String namespace, String name, Map<String, Object> fields) {
    create(client, RestrictionInformers.GIT_REPO_RESTRICTIONS, namespace, name, fields);
  }

  /** A Policy whose {@code gitRepo} section holds these fields. */
  public static void policy(
      KubernetesClient client, String namespace, String name, Map<String, Object> gitRepoFields) {
    create(
        client, RestrictionInformers.POLICIES, namespace, name, Map.of("gitRepo", gitRepoFields));
  }

  private static void create(
      KubernetesClient client,
      ResourceDefinitionContext kind,
      String namespace,
      String name,
      Map<String, Object> fields) {
    GenericKubernetesResource resource =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(kind.getGroup() + "/" + kind.getVersion())
            .withKind(kind.getKind())
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata()
            .build();
    resource.getAdditionalProperties().putAll(fields);
    client.genericKubernetesResources(kind).inNamespace(namespace).resource(resource).create();
  }
}
