package io.gitwatch.polling;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * GitHub App installation tokens: the app's JWT exchanged at {@code POST
 * <api>/app/installations/<id>/access_tokens}, cached until shortly before the token expires, and
 * sent as basic auth {@code x-access-token:<token>}, as Fleet does. The cache is keyed by the app's
 * ids and key together, so a Secret naming the same app with another key gets no token of it.
 */
final class GitHubAppTokens {

  private static final Logger LOG = Logger.getLogger(GitHubAppTokens.class.getName());

  /** A token is renewed this long before it expires (they live an hour). */
  static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

  static final String USERNAME = "x-access-token";
  private static final int MAX_ANSWER_BYTES = 64 * 1024;
  private static final int MAX_CACHED = 10_000;

  private record Token(String value, Instant expiresAt) {
    @Override
    public String toString() {
      return "Token[expiresAt=" + expiresAt + "]";
    }
  }

  private final URI api;
  private final Duration timeout;
  private final Clock clock;
  private final Proxies proxies;
  private final HttpClient http;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * @param api GitHub's REST API base ({@code https://api.github.com}, or GitHub Enterprise's
   *     {@code https://<host>/api/v3})
   */
  GitHubAppTokens(URI api, Duration timeout, Proxies proxies, Clock clock) {
    this.api = URI.create(api.toString().replaceAll("/+$", "") + "/");
    this.timeout = timeout;
    this.clock = clock;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(selector(proxies));
    this.proxies = proxies;
    PasswordAuthentication proxyCredentials = null;
    try {
      proxyCredentials = proxies.route(toUrl(this.api)).credentials();
    } catch (RemoteHeadsException e) {
      // an unusable proxy setting: reported by every request (see request), not at start
    }
    PasswordAuthentication answer = proxyCredentials;
    if (answer != null) {
      builder.authenticator(
          new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
              return getRequestorType() == RequestorType.PROXY ? answer : null;
            }
          });
    }
    this.http = builder.build();
  }

  /** Basic-auth credentials with a current installation token of {@code app}. */
  Credentials credentials(GitHubApp app) {
    Token token = tokens.get(app.fingerprint());
    if (!current(token)) {
      synchronized (locks.computeIfAbsent(app.fingerprint(), f -> new Object())) {
        token = tokens.get(app.fingerprint());
        if (!current(token)) {
          token = request(app);
          prune();
          tokens.put(app.fingerprint(), token);
        }
      }
    }
    return Credentials.basic(USERNAME, token.value());
  }

  private boolean current(Token token) {
    return token != null && clock.instant().plus(RENEW_BEFORE).isBefore(token.expiresAt());
  }

  private Token request(GitHubApp app) {
    proxies.route(toUrl(api)); // an unusable proxy setting fails here, in words, not as a bypass
    URI uri = api.resolve("app/installations/" + app.installationId() + "/access_tokens");
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", "application/vnd.github+json")
            .header("Authorization", "Bearer " + app.jwt(clock.instant()))
            .header("X-GitHub-Api-Version", "2022-11-28")
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<InputStream> response;
    byte[] body;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_ANSWER_BYTES);
      }
    } catch (HttpTimeoutException e) {
      throw failure(FailureReason.TIMEOUT, app, "no answer within " + timeout.toSeconds() + " s");
    } catch (ConnectException e) {
      throw failure(FailureReason.CANNOT_CONNECT, app, "cannot connect to " + api);
    } catch (IOException e) {
      throw failure(FailureReason.CANNOT_CONNECT, app, "the request to " + api + " failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(FailureReason.TIMEOUT, app, "interrupted");
    }
    if (response.statusCode() != 201) {
      LOG.info(
          () -> "GitHub App token request for " + app + " answered HTTP " + response.statusCode());
      throw failure(
          FailureReason.AUTHENTICATION_FAILED,
          app,
          "GitHub refused the installation token request with HTTP "
              + response.statusCode()
              + ": check github_app_id, github_app_installation_id and github_app_private_key");
    }
    try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
      JsonObject answer = reader.readObject();
      String token = answer.getString("token", "");
      Instant expiresAt = Instant.parse(answer.getString("expires_at", ""));
      if (token.isBlank()) {
        throw new JsonException("no token");
      }
      return new Token(token, expiresAt);
    } catch (JsonException | ClassCastException | DateTimeParseException e) {
      throw failure(
          FailureReason.AUTHENTICATION_FAILED,
          app,
          "the installation token answer has no token and expires_at");
    }
  }

  private static RemoteHeadsException failure(FailureReason reason, GitHubApp app, String what) {
    return new RemoteHeadsException(
        reason,
        "GitHub App " + app.appId() + ", installation " + app.installationId() + ": " + what);
  }

  /** Expired tokens go; a cache that is still too big is emptied rather than grown. */
  private void prune() {
    if (tokens.size() < MAX_CACHED) {
      return;
    }
    tokens.values().removeIf(token -> !current(token));
    if (tokens.size() >= MAX_CACHED) {
      tokens.clear();
    }
    locks.keySet().retainAll(tokens.keySet());
  }

  private static ProxySelector selector(Proxies proxies) {
    return new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return List.of(proxies.route(toUrl(uri)).proxy());
      }

      @Override
      public void connectFailed(URI uri, SocketAddress address, IOException e) {}
    };
  }

  private static java.net.URL toUrl(URI uri) {
    try {
      return uri.toURL();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException("gitwatch.github.api-url is not a URL", e);
    }
  }
}
