package io.gitwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitwatch.testing.OnTestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Liberty's HTTP limits from {@code liberty/server.xml} on the test server, which uses that file:
 * what a webhook provider sends passes, oversized or too many headers and a client that stalls in
 * the middle of its request are refused by Liberty before the application sees them. Each request
 * below would pass Liberty's defaults (32 KiB per header, 500 headers, 60 s per read).
 */
class HttpLimitsIT extends OnTestServer.Deployed {

  private static final int PORT = Integer.getInteger("it.http.port", 19080);
  private static final String JSON_REQUEST =
      """
      POST /webhook HTTP/1.1\r
      Host: gitwatch.example.com\r
      Content-Type: application/json\r
      Content-Length: 2\r
      %s\r
      {}""";

  @Test
  void aRequestWithProviderSizedHeadersReachesTheApplication() throws IOException {
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      headers.append("X-Forwarded-Header-").append(i).append(": ").append("v".repeat(200));
      headers.append("\r\n");
    }
    headers.append("X-Signature: ").append("s".repeat(8000)).append("\r\n");

    String answer = exchange(JSON_REQUEST.formatted(headers), Duration.ofSeconds(30));

    // the application's own answer to a delivery without provider headers: 400 with a JSON body
    assertThat(answer)
        .startsWith("HTTP/1.1 400")
        .contains("application/json")
        .contains("\"error\"");
  }

  @Test
  void aHeaderLargerThan16KiBIsRefusedByLiberty() throws IOException {
    String answer =
        exchange(
            JSON_REQUEST.formatted("X-Hub-Signature-256: " + "a".repeat(20_000) + "\r\n"),
            Duration.ofSeconds(30));

    assertThat(answer).startsWith("HTTP/1.1 400").doesNotContain("application/json");
  }

  @Test
  void moreThan100HeadersAreRefusedByLiberty() throws IOException {
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      headers.append("X-Header-").append(i).append(": v\r\n");
    }

    String answer = exchange(JSON_REQUEST.formatted(headers), Duration.ofSeconds(30));

    assertThat(answer).startsWith("HTTP/1.1 400").doesNotContain("application/json");
  }

  @Test
  void aClientThatStallsInTheMiddleOfItsHeadersIsDroppedAfterTheReadTimeout() throws IOException {
    long start = System.nanoTime();

    String answer =
        exchange(
            "POST /webhook HTTP/1.1\r\nHost: gitwatch.example.com\r\n", Duration.ofSeconds(45));

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // readTimeout is 10 s; Liberty's default of 60 s would outlast the socket timeout above
    assertThat(answer).startsWith("HTTP/1.1 408");
    assertThat(took).isLessThan(Duration.ofSeconds(30));
  }

  /**
   * Sends raw bytes, then reads until the server closes the connection or has sent a complete
   * answer; a server that neither answers nor closes within {@code patience} fails the test.
   */
  private static String exchange(String request, Duration patience) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", PORT)) {
      socket.setSoTimeout((int) patience.toMillis());
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int read;
      while ((read = in.read(buffer)) > 0) {
        answer.write(buffer, 0, read);
        if (complete(answer.toString(StandardCharsets.ISO_8859_1))) {
          break;
        }
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** A head and as many body bytes as its Content-Length says. */
  private static boolean complete(String answer) {
    int end = answer.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    var length =
        answer
            .substring(0, end)
            .lines()
            .filter(line -> line.regionMatches(true, 0, "Content-Length:", 0, 15))
            .map(line -> Integer.parseInt(line.substring(15).strip()))
            .findFirst();
    return length.isPresent() && answer.length() - end - 4 >= length.get();
  }
}
