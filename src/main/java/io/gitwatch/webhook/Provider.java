package io.gitwatch.webhook;

import jakarta.json.JsonObject;
import java.util.function.Supplier;

/**
 * The git providers we accept webhooks from: how each is recognised, names its events, identifies a
 * delivery, and which key of a webhook Secret holds its secret.
 */
public enum Provider {
  GITHUB("github", "github", "X-GitHub-Event", "X-GitHub-Delivery"),
  GITLAB("gitlab", "gitlab", "X-Gitlab-Event", "X-Gitlab-Event-UUID"),
  BITBUCKET_CLOUD("bitbucket-cloud", "bitbucket", "X-Event-Key", "X-Request-UUID"),
  BITBUCKET_SERVER("bitbucket-server", "bitbucket-server", "X-Event-Key", "X-Request-Id"),
  GOGS("gogs", "gogs", "X-Gogs-Event", "X-Gogs-Delivery"),
  GITEA("gitea", "gitea", "X-Gitea-Event", "X-Gitea-Delivery"),
  AZURE_DEVOPS("azure-devops", "azure-username", null, null);

  /** What a delivery asks of us. */
  public enum Kind {
    PUSH,
    PING,
    IGNORED
  }

  private final String label;
  private final String secretKey;
  private final String eventHeader;
  private final String deliveryHeader;

  Provider(String label, String secretKey, String eventHeader, String deliveryHeader) {
    this.label = label;
    this.secretKey = secretKey;
    this.eventHeader = eventHeader;
    this.deliveryHeader = deliveryHeader;
  }

  /** The name used in responses, logs and metrics. */
  public String label() {
    return label;
  }

  /** The key of the webhook Secret that holds this provider's secret (Azure: the user name's). */
  public String secretKey() {
    return secretKey;
  }

  /**
   * Recognises the provider from the headers, in Fleet's precedence: Gitea/Forgejo and Gogs before
   * GitHub (they also send {@code X-GitHub-Event}), Bitbucket Cloud's {@code X-Hook-UUID} before
   * Bitbucket Server's {@code X-Event-Key}. Azure DevOps may send no header of its own, so it is
   * also recognised by its body; {@code body} is only parsed in that last case.
   *
   * @return the provider, or null when nothing identifies one
   */
  public static Provider detect(Delivery delivery, Supplier<JsonObject> body) {
    if (delivery.has("X-Gitea-Event") || delivery.has("X-Forgejo-Event")) {
      return GITEA;
    }
    if (delivery.has("X-Gogs-Event")) {
      return GOGS;
    }
    if (delivery.has("X-GitHub-Event")) {
      return GITHUB;
    }
    if (delivery.has("X-Gitlab-Event")) {
      return GITLAB;
    }
    if (delivery.has("X-Hook-UUID")) {
      return BITBUCKET_CLOUD;
    }
    if (delivery.has("X-Event-Key")) {
      return BITBUCKET_SERVER;
    }
    if (delivery.has("X-Vss-ActivityId") || delivery.has("X-Vss-SubscriptionId")) {
      return AZURE_DEVOPS;
    }
    JsonObject json = body.get();
    if (json != null
        && JsonFields.string(json, "/eventType") != null
        && "tfs".equals(JsonFields.string(json, "/publisherId"))) {
      return AZURE_DEVOPS;
    }
    return null;
  }

  /** The event's name as the provider spells it. */
  public String event(Delivery delivery, JsonObject json) {
    if (this == AZURE_DEVOPS) {
      return JsonFields.required(json, "/eventType");
    }
    if (this == GITEA && !delivery.has(eventHeader)) {
      return delivery.header("X-Forgejo-Event");
    }
    return delivery.header(eventHeader);
  }

  /** Whether an event is a push we act on, a ping or test we acknowledge, or one we do not use. */
  public Kind kind(String event, JsonObject json) {
    return switch (this) {
      case GITHUB ->
          "push".equals(event) ? Kind.PUSH : "ping".equals(event) ? Kind.PING : Kind.IGNORED;
      case GITLAB ->
          switch (event) {
            case "Push Hook", "Tag Push Hook" -> Kind.PUSH;
            // An instance System Hook delivers pushes too; it is authenticated with the same token.
            case "System Hook" -> isSystemPush(json) ? Kind.PUSH : Kind.IGNORED;
            default -> Kind.IGNORED;
          };
      case BITBUCKET_CLOUD -> "repo:push".equals(event) ? Kind.PUSH : Kind.IGNORED;
      case BITBUCKET_SERVER ->
          "repo:refs_changed".equals(event)
              ? Kind.PUSH
              : "diagnostics:ping".equals(event) ? Kind.PING : Kind.IGNORED;
      // Gogs announces a tag only with a `create` event, so that one is a push of the tag.
      case GOGS -> "push".equals(event) || isTagCreation(event, json) ? Kind.PUSH : Kind.IGNORED;
      case GITEA -> "push".equals(event) ? Kind.PUSH : Kind.IGNORED;
      case AZURE_DEVOPS -> "git.push".equals(event) ? Kind.PUSH : Kind.IGNORED;
    };
  }

  /** The provider's id for this delivery (stable across redeliveries), or "" when it sends none. */
  public String deliveryId(Delivery delivery, JsonObject json) {
    String id;
    if (this == AZURE_DEVOPS) {
      id = json == null ? null : JsonFields.string(json, "/id");
    } else if (this == GITLAB) {
      id =
          delivery.has(deliveryHeader)
              ? delivery.header(deliveryHeader)
              : delivery.header("Idempotency-Key");
    } else if (this == GITEA && !delivery.has(deliveryHeader)) {
      id = delivery.header("X-Gogs-Delivery");
    } else {
      id = delivery.header(deliveryHeader);
    }
    return id == null ? "" : id;
  }

  /**
   * Parses a push (see {@link #kind}) into the repository it names and the refs it moved.
   *
   * @param bitbucketServerUrl the Bitbucket Server base URL, used to identify repositories in old
   *     payloads that carry no links; may be null
   */
  public Push parse(Delivery delivery, JsonObject json, String bitbucketServerUrl) {
    String event = event(delivery, json);
    String id = deliveryId(delivery, json);
    return switch (this) {
      case GITHUB -> GitHubPayload.parse(event, id, json);
      case GITLAB -> GitLabPayload.parse(event, id, json);
      case BITBUCKET_CLOUD -> BitbucketCloudPayload.parse(event, id, json);
      case BITBUCKET_SERVER -> BitbucketServerPayload.parse(event, id, json, bitbucketServerUrl);
      case GOGS -> GogsPayload.parse(event, id, json);
      case GITEA -> GiteaPayload.parse(event, id, json);
      case AZURE_DEVOPS -> AzureDevOpsPayload.parse(event, id, json);
    };
  }

  private static boolean isSystemPush(JsonObject json) {
    String name = JsonFields.string(json, "/event_name");
    return "push".equals(name) || "tag_push".equals(name);
  }

  private static boolean isTagCreation(String event, JsonObject json) {
    return "create".equals(event) && "tag".equals(JsonFields.string(json, "/ref_type"));
  }
}
