package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.RepoKey;
import io.gitwatch.gitrepo.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Receives provider webhooks on {@code POST /} and any path below it, and answers with the truth:
 * which GitRepos the verified push matched and which it updated. The only class that knows HTTP.
 */
@Path("/")
@ApplicationScoped
public class WebhookResource {

  private static final Logger LOG = Logger.getLogger(WebhookResource.class.getName());
  private static final MediaType UNKNOWN_TYPE = new MediaType("unknown", "unknown");
  private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

  @Inject GitRepoIndex index;
  @Inject WebhookSecrets secrets;
  @Inject Event<Pushed> pushed;
  @Inject WebhookMetrics metrics;
  @Inject RecentDeliveries recent;

  // GitHub's own cap on a delivery is 25 MiB.
  @Inject
  @ConfigProperty(name = "gitwatch.webhook.max-body-bytes", defaultValue = "26214400")
  long maxBodyBytes;

  @Inject
  @ConfigProperty(name = "gitwatch.bitbucket-server.url")
  Optional<String> bitbucketServerUrl;

  @POST
  @Produces(MediaType.APPLICATION_JSON)
  public Response receive(
      @Context HttpHeaders headers,
      @HeaderParam("Content-Type") String contentType,
      InputStream body)
      throws IOException {
    return handle(headers, contentType, body);
  }

  @POST
  @Path("{path: .+}")
  @Produces(MediaType.APPLICATION_JSON)
  public Response receiveOnPath(
      @Context HttpHeaders headers,
      @HeaderParam("Content-Type") String contentType,
      InputStream body)
      throws IOException {
    return handle(headers, contentType, body);
  }

  private Response handle(HttpHeaders httpHeaders, String contentType, InputStream in)
      throws IOException {
    long start = System.nanoTime();
    Provider provider = null;
    Provider.Kind kind = null;
    String event = null;
    String deliveryId = "";
    int status = 500;
    try {
      boolean form = isForm(contentType);
      if (!form && !isJson(contentType)) {
        throw new Rejection(
            Rejection.Reason.UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json or application/x-www-form-urlencoded");
      }
      byte[] body = readBounded(in, httpHeaders.getLength());
      Map<String, String> headers = firstValues(httpHeaders);
      Delivery delivery = form ? Delivery.form(headers, body) : Delivery.json(headers, body);
      provider = Provider.detect(delivery, () -> parseOrNull(delivery.payload()));
      if (provider == null) {
        throw new Rejection(Rejection.Reason.UNKNOWN_PROVIDER, "no recognised provider headers");
      }
      JsonObject json = parse(delivery.payload());
      event = provider.event(delivery, json);
      deliveryId = provider.deliveryId(delivery, json);
      kind = provider.kind(event, json);
      Response response;
      try {
        response = respond(provider, kind, event, deliveryId, delivery, json);
      } catch (StoreUnavailable e) {
        // A webhook Secret could not be read: like a failed write, the provider must redeliver.
        throw new Rejection(
            Rejection.Reason.STORE_UNAVAILABLE,
            "the GitRepo store is unavailable; redeliver later");
      }
      status = response.getStatus();
      return response;
    } catch (Rejection e) {
      status = e.status();
      log(
          provider,
          event,
          deliveryId,
          null,
          List.of(),
          List.of(),
          e.status() + " " + e.getMessage());
      throw e;
    } finally {
      metrics.delivered(provider, kind, status, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private Response respond(
      Provider provider,
      Provider.Kind kind,
      String event,
      String deliveryId,
      Delivery delivery,
      JsonObject json) {
    switch (kind) {
      case PING -> {
        log(provider, event, deliveryId, null, List.of(), List.of(), "200 ping");
        return Response.ok(Outcome.ping(provider, event, deliveryId)).build();
      }
      case IGNORED -> {
        return ignored(provider, event, deliveryId, "event '" + event + "' is not used");
      }
      case PUSH -> {}
    }
    Push push = provider.parse(delivery, json, bitbucketServerUrl.orElse(null));
    if (push.repoUrls().isEmpty()) {
      return ignored(
          provider,
          event,
          deliveryId,
          "cannot identify repository (set gitwatch.bitbucket-server.url)");
    }
    if (push.updates().isEmpty()) {
      return ignored(provider, event, deliveryId, "the push only deletes refs");
    }
    List<Target> targets = targetsOf(push);
    List<Target> verified = verified(push, delivery, targets);
    List<String> matched = verified.stream().map(t -> t.gitRepo().id()).sorted().toList();
    // Checked only once verified, so a forged copy of a known id learns nothing and changes
    // nothing.
    if (recent.isRepeat(provider, deliveryId)) {
      log(provider, event, deliveryId, push, matched, List.of(), "200 repeated delivery");
      return Response.ok(Outcome.pushed(push, matched, List.of())).build();
    }
    var verifiedPush = new Pushed(push, verified);
    pushed.fire(verifiedPush);
    recent.succeeded(provider, deliveryId);
    List<String> updated = verifiedPush.updated().stream().sorted().toList();
    metrics.updated(updated.size());
    log(provider, event, deliveryId, push, matched, updated, "200");
    return Response.ok(Outcome.pushed(push, matched, updated)).build();
  }

  /** The GitRepos the push concerns, found by key: O(1) in the number of GitRepos. */
  private List<Target> targetsOf(Push push) {
    Map<String, GitRepo> candidates = new LinkedHashMap<>();
    for (String url : push.repoUrls()) {
      RepoKey.of(url)
          .ifPresent(key -> index.byRepoKey(key).forEach(g -> candidates.putIfAbsent(g.id(), g)));
    }
    List<Target> targets = new ArrayList<>();
    for (GitRepo gitRepo : candidates.values()) {
      Target.of(gitRepo, push).ifPresent(targets::add);
    }
    return targets;
  }

  /**
   * The targets whose own secret verifies the delivery, all decided before any write. With no
   * target the global secret decides, so a caller cannot learn which repositories are configured.
   */
  private List<Target> verified(Push push, Delivery delivery, List<Target> targets) {
    if (targets.isEmpty()) {
      Verification global = secrets.verify(push.provider(), delivery, secrets.global());
      if (!global.verified()) {
        throw new Rejection(Rejection.Reason.UNAUTHENTICATED, global.reason());
      }
      return List.of();
    }
    Map<WebhookSecrets.SecretRef, Verification> bySecret = new HashMap<>();
    List<Target> verified = new ArrayList<>();
    String failure = null;
    for (Target target : targets) {
      Verification v =
          bySecret.computeIfAbsent(
              secrets.secretFor(target.gitRepo()),
              ref -> secrets.verify(push.provider(), delivery, ref));
      if (v.verified()) {
        verified.add(target);
      } else {
        failure = failure == null ? v.reason() : failure;
      }
    }
    if (verified.isEmpty()) {
      throw new Rejection(Rejection.Reason.UNAUTHENTICATED, failure);
    }
    return verified;
  }

  private Response ignored(Provider provider, String event, String deliveryId, String reason) {
    log(provider, event, deliveryId, null, List.of(), List.of(), "202 " + reason);
    return Response.accepted(Outcome.ignored(provider, event, deliveryId, reason)).build();
  }

  private byte[] readBounded(InputStream in, int declaredLength) throws IOException {
    if (declaredLength > maxBodyBytes) {
      throw tooLarge();
    }
    // Read one byte past the limit to tell "exactly at the limit" from "over it".
    byte[] body = in.readNBytes((int) Math.min(maxBodyBytes + 1, Integer.MAX_VALUE - 8));
    if (body.length > maxBodyBytes) {
      throw tooLarge();
    }
    if (body.length == 0) {
      throw new Rejection(Rejection.Reason.MALFORMED, "empty body");
    }
    return body;
  }

  private Rejection tooLarge() {
    return new Rejection(
        Rejection.Reason.TOO_LARGE,
        "body larger than " + maxBodyBytes + " bytes (gitwatch.webhook.max-body-bytes)");
  }

  private static JsonObject parse(byte[] payload) {
    try (var reader = JSON.createReader(new ByteArrayInputStream(payload))) {
      return reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new Rejection(Rejection.Reason.MALFORMED, "body is not a JSON object");
    }
  }

  private static JsonObject parseOrNull(byte[] payload) {
    try {
      return parse(payload);
    } catch (Rejection e) {
      return null;
    }
  }

  private static boolean isJson(String contentType) {
    return mediaType(contentType).isCompatible(MediaType.APPLICATION_JSON_TYPE);
  }

  private static boolean isForm(String contentType) {
    return mediaType(contentType).isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE);
  }

  // A missing or unparseable Content-Type is simply not one we accept (415), never a 500.
  private static MediaType mediaType(String contentType) {
    try {
      return contentType == null ? UNKNOWN_TYPE : MediaType.valueOf(contentType);
    } catch (IllegalArgumentException e) {
      return UNKNOWN_TYPE;
    }
  }

  private static Map<String, String> firstValues(HttpHeaders headers) {
    Map<String, String> first = new HashMap<>();
    headers
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!values.isEmpty()) {
                first.put(name, values.get(0));
              }
            });
    return first;
  }

  // One line per delivery: identifiers only, never a body or a secret.
  private static void log(
      Provider provider,
      String event,
      String deliveryId,
      Push push,
      List<String> matched,
      List<String> updated,
      String status) {
    String refs =
        push == null
            ? ""
            : push.updates().stream()
                .map(u -> u.ref() + "@" + u.commit())
                .collect(Collectors.joining(","));
    String repo =
        push == null || push.repoUrls().isEmpty()
            ? ""
            : RepoKey.of(push.repoUrls().get(0)).map(RepoKey::toString).orElse("");
    LOG.info(
        () ->
            "webhook provider="
                + (provider == null ? "unknown" : provider.label())
                + " event="
                + event
                + " delivery="
                + deliveryId
                + " repo="
                + repo
                + " refs="
                + refs
                + " matched="
                + matched
                + " updated="
                + updated
                + " status="
                + status);
  }
}
