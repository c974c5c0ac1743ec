package io.gitwatch.bench.echopatch;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Reads the whole body, writes {@code status.webhookCommit} and {@code status.lastWebhookTime} of
 * one GitRepo with one JSON merge patch on {@code /status} (the request Gitwatch's webhook writer
 * makes), and answers the body back: the least a webhook endpoint that records a push can do.
 */
@Path("/{namespace}/{name}")
@ApplicationScoped
public class EchoPatchResource {

  private static final ResourceDefinitionContext GIT_REPOS =
      new ResourceDefinitionContext.Builder()
          .withGroup("fleet.cattle.io")
          .withVersion("v1alpha1")
          .withKind("GitRepo")
          .withPlural("gitrepos")
          .withNamespaced(true)
          .build();

  @Inject CeilingClient kubernetes;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public byte[] patch(
      @PathParam("namespace") String namespace,
      @PathParam("name") String name,
      @QueryParam("commit") String commit,
      byte[] body) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String patch =
        Serialization.asJson(
            Map.of("status", Map.of("webhookCommit", commit, "lastWebhookTime", now)));
    kubernetes
        .client()
        .genericKubernetesResources(GIT_REPOS)
        .inNamespace(namespace)
        .withName(name)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    return body;
  }
}
