package io.gitwatch.gitrepo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Fleet's {@code GitRepoRestriction} and {@code Policy} objects, watched where their CRDs are
 * installed, combined per namespace into {@link Restrictions} whenever one of them changes, so a
 * lookup on the request path costs a map read.
 */
final class RestrictionInformers {

  private static final Logger LOG = Logger.getLogger(RestrictionInformers.class.getName());

  static final ResourceDefinitionContext GIT_REPO_RESTRICTIONS = kind("GitRepoRestriction");
  static final ResourceDefinitionContext POLICIES = kind("Policy");

  private final KubernetesClient client;
  private final List<SharedIndexInformer<GenericKubernetesResource>> restrictions =
      new ArrayList<>();
  private final List<SharedIndexInformer<GenericKubernetesResource>> policies = new ArrayList<>();
  private final Map<String, Restrictions> byNamespace = new ConcurrentHashMap<>();
  private volatile boolean started;

  RestrictionInformers(KubernetesClient client) {
    this.client = client;
  }

  /** Starts watching both kinds, in every namespace or in each of {@code namespaces}. */
  void start(List<String> namespaces) {
    watch(GIT_REPO_RESTRICTIONS, namespaces, restrictions);
    watch(POLICIES, namespaces, policies);
    started = true;
  }

  void stop() {
    restrictions.forEach(SharedIndexInformer::stop);
    policies.forEach(SharedIndexInformer::stop);
  }

  boolean isSynced() {
    return started
        && restrictions.stream().allMatch(SharedIndexInformer::hasSynced)
        && policies.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** The namespace's restrictions; until every watched kind is loaded, nothing is allowed. */
  Restrictions of(String namespace) {
    if (!isSynced()) {
      return Restrictions.NOT_LOADED;
    }
    return byNamespace.getOrDefault(namespace, Restrictions.NONE);
  }

  private void watch(
      ResourceDefinitionContext kind,
      List<String> namespaces,
      List<SharedIndexInformer<GenericKubernetesResource>> informers) {
    if (!installed(kind)) {
      LOG.info(kind.getKind() + " is not installed in this cluster: not watched");
      return;
    }
    var resources = client.genericKubernetesResources(kind);
    if (namespaces.isEmpty()) {
      informers.add(resources.inAnyNamespace().runnableInformer(0));
    } else {
      namespaces.forEach(ns -> informers.add(resources.inNamespace(ns).runnableInformer(0)));
    }
    for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
      informer.addEventHandler(new Recombine());
      informer.exceptionHandler(
          (started, t) -> {
            LOG.warning(kind.getKind() + " informer: " + t.getMessage() + " (retrying)");
            return true;
          });
      informer.start();
    }
  }

  // A missing CRD answers 404; anything else (403 included) means it exists: fail closed and
  // let the informer keep trying, so readiness shows the problem.
  private boolean installed(ResourceDefinitionContext kind) {
    try {
      client
          .genericKubernetesResources(kind)
          .inAnyNamespace()
          .list(new ListOptionsBuilder().withLimit(1L).build());
      return true;
    } catch (KubernetesClientException e) {
      return e.getCode() != 404;
    }
  }

  private void recombine(String namespace) {
    // compute() serialises the two kinds' handlers per namespace, so the last one sees both.
    byNamespace.compute(
        namespace,
        (ns, previous) -> {
          Restrictions combined =
              Restrictions.combine(objects(restrictions, ns), objects(policies, ns));
          return combined == Restrictions.NONE ? null : combined;
        });
  }

  private static List<Map<String, Object>> objects(
      List<SharedIndexInformer<GenericKubernetesResource>> informers, String namespace) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
      for (GenericKubernetesResource resource :
          informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
        Map<String, Object> fields = new HashMap<>(resource.getAdditionalProperties());
        fields.put("metadata", Map.of("name", resource.getMetadata().getName()));
        objects.add(fields);
      }
    }
    return objects;
  }

  private static ResourceDefinitionContext kind(String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("fleet.cattle.io")
        .withVersion("v1alpha1")
        .withKind(kind)
        .withPlural(kind.equals("Policy") ? "policies" : "gitreporestrictions")
        .withNamespaced(true)
        .build();
  }

  private class Recombine implements ResourceEventHandler<GenericKubernetesResource> {
    @Override
    public void onAdd(GenericKubernetesResource resource) {
      recombine(resource.getMetadata().getNamespace());
    }

    @Override
    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
      recombine(after.getMetadata().getNamespace());
    }

    @Override
    public void onDelete(GenericKubernetesResource resource, boolean finalStateUnknown) {
      recombine(resource.getMetadata().getNamespace());
    }
  }
}
