package io.gitwatch.testing;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a CGI/1.1 program (RFC 3875) for each request: the request's meta-variables and headers in
 * its environment, the body on its standard input, and its standard output parsed as a CGI response
 * (header lines, {@code Status:} included, then the body). Standard error is appended to a log
 * file.
 */
final class CgiServlet extends HttpServlet {

  /** Headers a CGI server does not pass as {@code HTTP_*} (RFC 3875 §4.1.18). */
  private static final Set<String> NOT_PASSED =
      Set.of("authorization", "proxy-authorization", "content-type", "content-length");

  private static final long TIMEOUT_SECONDS = 30;

  private final Path program;
  private final Map<String, String> environment;
  private final Path log;
  private final Set<String> droppedHeaders;

  /**
   * @param environment added to every request's meta-variables (e.g. {@code PATH})
   * @param droppedHeaders request headers (lower case) the program must not see; read on every
   *     request, so the caller may change it
   */
  CgiServlet(Path program, Map<String, String> environment, Path log, Set<String> droppedHeaders) {
    this.program = program;
    this.environment = Map.copyOf(environment);
    this.log = log;
    this.droppedHeaders = droppedHeaders;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(program.toString())
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.environment().putAll(metaVariables(request));
    Process process = builder.start();
    try {
      CompletableFuture<Void> body = CompletableFuture.runAsync(() -> sendBody(request, process));
      InputStream out = process.getInputStream();
      respond(out, response);
      out.transferTo(response.getOutputStream());
      body.join();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException(program + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + program, e);
    } finally {
      process.destroyForcibly();
    }
  }

  private Map<String, String> metaVariables(HttpServletRequest request) {
    Map<String, String> variables = new HashMap<>();
    variables.put("GATEWAY_INTERFACE", "CGI/1.1");
    variables.put("SERVER_PROTOCOL", request.getProtocol());
    variables.put("SERVER_SOFTWARE", "gitwatch-test-cgi");
    variables.put("SERVER_NAME", request.getServerName());
    variables.put("SERVER_PORT", Integer.toString(request.getServerPort()));
    variables.put("REMOTE_ADDR", request.getRemoteAddr());
    variables.put("REQUEST_METHOD", request.getMethod());
    variables.put("SCRIPT_NAME", request.getContextPath() + request.getServletPath());
    variables.put("PATH_INFO", request.getPathInfo() == null ? "" : request.getPathInfo());
    variables.put("QUERY_STRING", request.getQueryString() == null ? "" : request.getQueryString());
    if (request.getContentType() != null) {
      variables.put("CONTENT_TYPE", request.getContentType());
    }
    if (request.getContentLengthLong() >= 0) {
      variables.put("CONTENT_LENGTH", Long.toString(request.getContentLengthLong()));
    }
    if (request.getRemoteUser() != null) {
      variables.put("REMOTE_USER", request.getRemoteUser());
      variables.put("AUTH_TYPE", request.getAuthType());
    }
    for (String name : Collections.list(request.getHeaderNames())) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!NOT_PASSED.contains(lower) && !droppedHeaders.contains(lower)) {
        String variable = "HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        variables.put(variable, String.join(", ", Collections.list(request.getHeaders(name))));
      }
    }
    return variables;
  }

  /** Copies the request body to the program, then closes its input so it sees the end. */
  private static void sendBody(HttpServletRequest request, Process process) {
    try (OutputStream in = process.getOutputStream()) {
      request.getInputStream().transferTo(in);
    } catch (IOException e) {
      // The program stopped reading (it answered already, or failed): its output tells.
    }
  }

  /** Reads the CGI header lines up to the empty line and applies them to the response. */
  private static void respond(InputStream out, HttpServletResponse response) throws IOException {
    for (String line = readLine(out); !line.isEmpty(); line = readLine(out)) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("not a CGI header line: " + line);
      }
      String name = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (name.equalsIgnoreCase("Status")) {
        response.setStatus(Integer.parseInt(value.split(" ", 2)[0]));
      } else {
        response.addHeader(name, value);
      }
    }
  }

  /** One header line without its LF or CRLF; empty at the end of the headers or the output. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}
