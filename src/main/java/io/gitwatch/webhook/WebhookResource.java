package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoStore;
import io.gitwatch.gitrepo.StoreUnavailable;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Receives provider webhooks on {@code POST /} and any path below it, and on the GitRepos' receiver
 * URLs {@code POST /hook/<digest>} also CI triggers ({@link GenericHmac}); answers with the truth:
 * which GitRepos the verified push matched and which it updated. The only class that knows HTTP.
 */
@Path("/")
@ApplicationScoped
public class WebhookResource {

  private static final MediaType UNKNOWN_TYPE = new MediaType("unknown", "unknown");
  private static final byte[] NO_BODY = new byte[0];

  @Inject GitRepoIndex index;
  @Inject GitRepoStore store;
  @Inject DeliveryLimits limits;
  @Inject WebhookSecrets secrets;
  @Inject WebhookStatusWriter writer;
  @Inject Event<Pushed> pushed;
  @Inject WebhookMetrics metrics;
  @Inject RecentDeliveries recent;
  @Inject Receivers receivers;
  @Inject GenericHmac generic;

  // GitHub's own cap on a delivery is 25 MiB.
  @Inject
  @ConfigProperty(name = "gitwatch.webhook.max-body-bytes", defaultValue = "26214400")
  long maxBodyBytes;

  // Provider payloads nest about ten deep and carry numbers of at most about twenty characters.
  @Inject
  @ConfigProperty(name = "gitwatch.webhook.max-json-depth", defaultValue = "64")
  int maxJsonDepth;

  @Inject
  @ConfigProperty(name = "gitwatch.webhook.max-json-number-length", defaultValue = "64")
  int maxJsonNumberLength;

  @Inject
  @ConfigProperty(name = "gitwatch.webhook.allow-sha1", defaultValue = "false")
  boolean allowSha1;

  @Inject
  @ConfigProperty(name = "gitwatch.bitbucket-server.url")
  Optional<String> bitbucketServerUrl;

  private Providers providers;
  private PayloadReader payloads;
  private Recipients recipients;

  @PostConstruct
  void init() {
    providers = new Providers(allowSha1, bitbucketServerUrl.orElse(null));
    payloads = new PayloadReader(maxJsonDepth, maxJsonNumberLength);
    recipients = new Recipients(index, secrets, store::restrictions);
  }

  @POST
  @Produces(MediaType.APPLICATION_JSON)
  public void receive(
      @Context HttpHeaders headers, InputStream body, @Suspended AsyncResponse response) {
    handle(null, headers, body, response);
  }

  @POST
  @Path("{path: .+}")
  @Produces(MediaType.APPLICATION_JSON)
  public void receiveOnPath(
      @Context HttpHeaders headers, InputStream body, @Suspended AsyncResponse response) {
    handle(null, headers, body, response);
  }

  /** A GitRepo's receiver URL: the delivery goes to that GitRepo alone. */
  @POST
  @Path("hook/{digest}")
  @Produces(MediaType.APPLICATION_JSON)
  public void receiveOnHook(
      @PathParam("digest") String digest,
      @Context HttpHeaders headers,
      InputStream body,
      @Suspended AsyncResponse response) {
    handle(digest, headers, body, response);
  }

  /**
   * Queues one delivery for a worker (see {@link DeliveryLimits}); it is answered, logged once and
   * counted whatever the answer.
   */
  private void handle(
      String digest, HttpHeaders httpHeaders, InputStream in, AsyncResponse response) {
    long start = System.nanoTime();
    DeliveryLog seen = new DeliveryLog();
    if (digest != null) {
      seen.receiver = ReceiverKind.HOOK;
    }
    // Read on this thread: the injected headers belong to it.
    Received request =
        new Received(
            digest,
            firstValues(httpHeaders),
            httpHeaders.getLength(),
            httpHeaders.getHeaderString(HttpHeaders.CONTENT_TYPE),
            in);
    if (!store.isSynced()) {
      // Answered 200 now, the delivery would be matched against GitRepos not loaded yet, and
      // remembered, so that the provider's redelivery would be swallowed too.
      Rejection notReady = Rejection.notReady(limits.retryAfter());
      refused(seen, notReady, start);
      response.resume(notReady);
      return;
    }
    limits.run(
        response,
        permit -> deliver(seen, start, permit, request),
        overloaded -> refused(seen, overloaded, start),
        late -> seen.answered(late.status() + " " + late.cause()));
  }

  private Response deliver(
      DeliveryLog seen, long start, DeliveryLimits.Permit permit, Received request) {
    try {
      Response response = answer(seen, permit, request);
      metrics.delivered(seen, response.getStatus(), since(start));
      return response;
    } catch (StoreUnavailable e) {
      // A webhook Secret could not be read: like a failed write, the provider must redeliver.
      throw refused(seen, Rejection.storeUnavailable(), start);
    } catch (Rejection e) {
      throw refused(seen, e, start);
    } catch (RuntimeException e) {
      metrics.delivered(seen, 500, since(start));
      throw e;
    }
  }

  private Rejection refused(DeliveryLog seen, Rejection rejection, long start) {
    seen.answered(rejection.status() + " " + rejection.cause());
    metrics.delivered(seen, rejection.status(), since(start));
    return rejection;
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private Response answer(DeliveryLog seen, DeliveryLimits.Permit permit, Received request) {
    // The URL decides before anything else, so every unknown digest gets the same answer.
    GitRepo hook =
        request.digest() == null
            ? null
            : receivers.find(request.digest()).orElseThrow(Rejection::unknownReceiver);
    if (hook != null && isGeneric(request.headers())) {
      seen.receiver = ReceiverKind.GENERIC_HMAC;
      seen.matched = List.of(hook.id().toString());
      seen.updated = generic.trigger(hook, Delivery.json(request.headers(), body(permit, request)));
      seen.answered("200 triggered");
      return Response.ok(new TriggerOutcome(seen.updated)).build();
    }
    boolean form = isForm(request.contentType());
    if (!form && !isJson(request.contentType())) {
      throw new Rejection(
          Rejection.Reason.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type must be application/json or application/x-www-form-urlencoded");
    }
    byte[] body = body(permit, request);
    if (body.length == 0) {
      throw new Rejection(Rejection.Reason.MALFORMED, "empty body");
    }
    Map<String, String> headers = request.headers();
    Delivery delivery = form ? Delivery.form(headers, body) : Delivery.json(headers, body);
    Provider provider = providers.detect(delivery, () -> payloads.readOrNull(delivery.payload()));
    if (provider == null) {
      throw new Rejection(Rejection.Reason.UNKNOWN_PROVIDER, "no recognised provider headers");
    }
    seen.provider = provider;
    JsonObject json = payloads.read(delivery.payload());
    String event = seen.event = provider.event(delivery, json);
    String deliveryId = seen.deliveryId = provider.deliveryId(delivery, json);
    seen.kind = provider.kind(event, json);
    if (seen.kind == Provider.Kind.PING) {
      seen.answered("200 ping");
      return Response.ok(Outcome.ping(provider, event, deliveryId)).build();
    }
    if (seen.kind == Provider.Kind.IGNORED) {
      return ignored(seen, "event '" + event + "' is not used");
    }
    Push push = seen.push = provider.parse(event, deliveryId, json);
    if (hook == null && push.repoUrls().isEmpty()) {
      return ignored(seen, "cannot identify repository (set gitwatch.bitbucket-server.url)");
    }
    if (push.updates().isEmpty()) {
      return ignored(seen, "the push only deletes refs");
    }
    List<Target> verified =
        hook == null
            ? recipients.verified(push, delivery)
            : recipients.verifiedFor(hook, push, delivery);
    seen.matched = verified.stream().map(t -> t.gitRepo().id().toString()).sorted().toList();
    // Checked only once verified, so a forged copy of a known id learns nothing and changes
    // nothing.
    if (recent.isRepeat(provider, deliveryId)) {
      seen.answered("200 repeated delivery");
      return Response.ok(Outcome.pushed(push, seen.matched, List.of())).build();
    }
    // The writer is an EJB: calling it for a delivery that writes nothing cost 9 % of one.
    List<String> updated =
        verified.stream().anyMatch(Target::changesWebhookCommit)
            ? writer.write(verified)
            : List.of();
    pushed.fire(new Pushed(push, verified, updated));
    recent.succeeded(provider, deliveryId);
    seen.updated = updated.stream().sorted().toList();
    metrics.updated(updated.size());
    seen.answered("200");
    return Response.ok(Outcome.pushed(push, seen.matched, seen.updated)).build();
  }

  private byte[] body(DeliveryLimits.Permit permit, Received request) {
    return permit.readBody(request.body(), request.declaredLength(), maxBodyBytes);
  }

  /** No provider's headers, but a generic-hmac signature. */
  private boolean isGeneric(Map<String, String> headers) {
    Delivery probe = Delivery.json(headers, NO_BODY);
    return providers.detect(probe, () -> null) == null && GenericHmac.sentBy(probe);
  }

  private static Response ignored(DeliveryLog seen, String reason) {
    seen.answered("202 " + reason);
    return Response.accepted(Outcome.ignored(seen.provider, seen.event, seen.deliveryId, reason))
        .build();
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

  /**
   * One request as it came in, read on the request's thread: its receiver digest (null off a
   * receiver URL), first header values, declared length, content type and unread body.
   */
  private record Received(
      String digest,
      Map<String, String> headers,
      int declaredLength,
      String contentType,
      InputStream body) {}
}
