package io.gitwatch.webhook;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * One webhook request as it arrived: its headers (case-insensitive) and raw body, plus the JSON
 * payload, which is the body itself or, for form deliveries, the decoded {@code payload=} field.
 */
public record Delivery(Map<String, String> headers, byte[] body, byte[] payload) {

  static final String FORM = "application/x-www-form-urlencoded";

  public Delivery {
    var caseInsensitive = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
    caseInsensitive.putAll(headers);
    headers = caseInsensitive;
  }

  /** A JSON delivery. */
  public static Delivery json(Map<String, String> headers, byte[] body) {
    return new Delivery(headers, body, body);
  }

  /** A form delivery ({@code payload=<url-encoded JSON>}), as GitHub, Gogs and Gitea can send. */
  public static Delivery form(Map<String, String> headers, byte[] body) {
    String form = new String(body, StandardCharsets.UTF_8);
    for (String field : form.split("&")) {
      if (field.startsWith("payload=")) {
        String json;
        try {
          json = URLDecoder.decode(field.substring("payload=".length()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new Rejection(Rejection.Reason.MALFORMED, "payload field is not URL-encoded");
        }
        return new Delivery(headers, body, json.getBytes(StandardCharsets.UTF_8));
      }
    }
    // `curl -d @payload.json` sends raw JSON with a form content type; Fleet accepts it, so do we.
    if (form.stripLeading().startsWith("{")) {
      return new Delivery(headers, body, body);
    }
    throw new Rejection(Rejection.Reason.MALFORMED, "form delivery without a payload field");
  }

  /** The header's value, or null when it is absent or blank ("present" means non-empty). */
  public String header(String name) {
    String value = headers.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  public boolean has(String name) {
    return header(name) != null;
  }
}
