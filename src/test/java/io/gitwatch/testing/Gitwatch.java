package io.gitwatch.testing;

import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The Gitwatch server under test, seen from outside: deliveries, health, and signing helpers. */
public final class Gitwatch {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final URI base;

  public Gitwatch(URI base) {
    this.base = base;
  }

  /** The Liberty test server, on {@code it.http.port}. */
  public static Gitwatch testServer() {
    return new Gitwatch(
        URI.create("http://127.0.0.1:" + Integer.getInteger("it.http.port", 19080) + "/"));
  }

  /**
   * A GitHub ping that stops after {@code sent} of its {@code length} bytes: the worker that reads
   * it holds its slot until the socket is closed or Liberty's read timeout ends it.
   */
  public java.net.Socket halfSentDelivery(int length, int sent) throws IOException {
    var socket = new java.net.Socket(base.getHost(), base.getPort());
    var out = socket.getOutputStream();
    String head =
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "X-GitHub-Event: ping\r\nX-GitHub-Delivery: slow\r\nContent-Length: "
            + length
            + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(("{\"zen\":\"" + "x".repeat(sent - 8)).getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /** A response: status and body. */
  public record Answer(int status, String body, java.net.http.HttpHeaders headers) {
    public JsonObject json() {
      return Json.createReader(new StringReader(body)).readObject();
    }

    public java.util.Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  public Answer post(String path, String contentType, byte[] body, Map<String, String> headers) {
    var request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    headers.forEach(request::header);
    return send(request.build());
  }

  public Answer postJson(byte[] body, Map<String, String> headers) {
    return post("", "application/json", body, headers);
  }

  /**
   * The sum of a metric's series in {@code /metrics} (Prometheus text) whose labels include every
   * one of {@code labels}, each written as in the output: {@code status="503"}.
   */
  public double metric(String name, String... labels) {
    return metric(get("metrics").body().lines().toList(), name, labels);
  }

  /** As {@link #metric(String, String...)}, over lines of Prometheus text already read. */
  public static double metric(List<String> lines, String name, String... labels) {
    return lines.stream()
        .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .filter(line -> Arrays.stream(labels).allMatch(line::contains))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  public Answer get(String path) {
    return send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  /**
   * Waits until the server is ready, so deliveries are no longer refused as {@code not_ready} (the
   * restrictions load after the GitRepos), and its index holds exactly this many GitRepos.
   */
  public void awaitGitRepos(int count) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Answer ready = get("health/ready");
              return ready.status() == 200 && ready.body().contains("\"gitrepos\":" + count);
            });
  }

  /**
   * Sends a GitHub push of {@code main} to {@code commit}, signed with {@code secret} as GitHub
   * does.
   */
  public Answer pushToMain(String repoUrl, String commit, String secret) {
    return pushToMain(repoUrl, commit, secret, java.util.UUID.randomUUID().toString());
  }

  /** The same push with GitHub's delivery id: a redelivery repeats the id. */
  public Answer pushToMain(String repoUrl, String commit, String secret, String deliveryId) {
    byte[] body =
        """
        {"ref":"refs/heads/main","after":"%s","repository":{"html_url":"%s"}}"""
            .formatted(commit, repoUrl)
            .getBytes(StandardCharsets.UTF_8);
    return postJson(
        body,
        Map.of(
            "X-GitHub-Event",
            "push",
            "X-GitHub-Delivery",
            deliveryId,
            "X-Hub-Signature-256",
            githubSignature(secret, body)));
  }

  /** GitHub's signature header value for a body. */
  public static String githubSignature(String secret, byte[] body) {
    return "sha256=" + hmacSha256Hex(secret, body);
  }

  public static String hmacSha256Hex(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
