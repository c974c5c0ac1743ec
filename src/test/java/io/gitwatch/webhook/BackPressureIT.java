package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.OnTestServer;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure on the test server (at most 8 deliveries at once, 2.5 MiB of bodies in flight, a 5
 * s queue wait): deliveries that cannot start in time, or whose bodies would exceed the memory
 * bound, are answered 503 with Retry-After, in bounded time, and the service recovers. Slow clients
 * that send half a body hold a delivery's slot and bytes, as a real attacker would.
 */
class BackPressureIT extends OnTestServer.Deployed {

  static final int SLOTS = 8;
  static final Duration QUEUE_WAIT = Duration.ofSeconds(2);

  final int port = Integer.getInteger("it.http.port", 19080);

  @Test
  void refusesADeliveryThatCannotStartWithinTheQueueWaitAndRecovers() throws Exception {
    double refusedBefore =
        gitwatch.metric("gitwatch_webhook_refused_for_load_total", "reason=\"concurrency\"");
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < SLOTS; i++) {
        stalled.add(gitwatch.halfSentDelivery(1000, 10));
      }
      // All eight taken: each is being worked on (reading its body), none only queued.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> gitwatch.metric("gitwatch_webhook_in_flight") >= SLOTS);

      long start = System.nanoTime();
      HttpResponse<String> refused = post(ping());
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
      assertThat(refused.body()).contains("\"error\":\"overloaded\"");
      assertThat(took).isBetween(QUEUE_WAIT.minusMillis(500), Duration.ofSeconds(10));
      assertThat(
              gitwatch.metric("gitwatch_webhook_refused_for_load_total", "reason=\"concurrency\""))
          .isEqualTo(refusedBefore + 1);
    } finally {
      closeAll(stalled);
    }
    assertThat(post(ping()).statusCode()).isEqualTo(200);
  }

  @Test
  void refusesABodyThatWouldExceedTheBytesInFlight() throws Exception {
    double refusedBefore =
        gitwatch.metric("gitwatch_webhook_refused_for_load_total", "reason=\"memory\"");
    // The workers of an earlier test's closed connections have given their bytes back.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> gitwatch.metric("gitwatch_webhook_bytes_in_flight") == 0);
    List<Socket> stalled = new ArrayList<>();
    try {
      // Two deliveries of nearly 1 MiB each stop just short of their end: 2 MiB held.
      stalled.add(gitwatch.halfSentDelivery(1_040_000, 1_000_000));
      stalled.add(gitwatch.halfSentDelivery(1_040_000, 1_000_000));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> gitwatch.metric("gitwatch_webhook_bytes_in_flight") >= 2_000_000);

      HttpResponse<String> refused = post(largePing(1_000_000));

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(gitwatch.metric("gitwatch_webhook_refused_for_load_total", "reason=\"memory\""))
          .isEqualTo(refusedBefore + 1);
    } finally {
      closeAll(stalled);
    }
    assertThat(post(largePing(1_000_000)).statusCode()).isEqualTo(200);
  }

  private static byte[] ping() {
    return "{\"zen\":\"hi\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] largePing(int size) {
    return ("{\"zen\":\"" + "x".repeat(size - 10) + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private HttpResponse<String> post(byte[] body) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", "ping")
            .header("X-GitHub-Delivery", "ping-" + System.nanoTime())
            .header("X-Hub-Signature-256", Gitwatch.githubSignature("unused", body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void closeAll(List<Socket> sockets) {
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // already closed by the server's read timeout
      }
    }
  }
}
