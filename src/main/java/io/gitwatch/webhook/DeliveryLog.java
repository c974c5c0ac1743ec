package io.gitwatch.webhook;

import io.gitwatch.gitrepo.RepoKey;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * What is known of one delivery while it is handled, for its one log line and its metrics:
 * identifiers only, never a body or a secret, and every value that came with the request escaped.
 */
final class DeliveryLog {

  private static final String SOURCE = WebhookResource.class.getName();
  private static final Logger LOG = Logger.getLogger(SOURCE);

  /** A value is cut after this many characters: a ref name may be as long as the body. */
  private static final int MAX_VALUE_LENGTH = 256;

  ReceiverKind receiver = ReceiverKind.PROVIDER;
  Provider provider;
  Provider.Kind kind;
  String event;
  String deliveryId = "";
  Push push;
  List<String> matched = List.of();
  List<String> updated = List.of();

  /** Logs the delivery's line, ending with how it was answered. */
  void answered(String status) {
    // logp: with the source named, the logger does not walk the stack to find it on every delivery.
    LOG.logp(Level.INFO, SOURCE, "deliver", () -> line(status));
  }

  String line(String status) {
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
    return "webhook receiver="
        + receiver.label()
        + " provider="
        + providerLabel()
        + " event="
        + escape(event)
        + " delivery="
        + escape(deliveryId)
        + " repo="
        + escape(repo)
        + " refs="
        + escape(refs)
        + " matched="
        + escape(matched.toString())
        + " updated="
        + escape(updated.toString())
        + " status="
        + escape(status);
  }

  /** The provider for logs and metrics: a generic-hmac trigger names its receiver. */
  String providerLabel() {
    if (provider != null) {
      return provider.label();
    }
    return receiver == ReceiverKind.GENERIC_HMAC ? receiver.label() : "unknown";
  }

  /**
   * A value as it may appear in a log line: control characters, line and paragraph separators,
   * format characters (bidirectional overrides among them), unpaired surrogates and unassigned code
   * points as {@code \\uXXXX}, a backslash doubled, so that no caller can forge or hide a line; cut
   * after {@value #MAX_VALUE_LENGTH} characters.
   */
  static String escape(String value) {
    if (value == null) {
      return "null";
    }
    int end = Math.min(value.length(), MAX_VALUE_LENGTH);
    StringBuilder escaped = new StringBuilder(end + 16);
    int i = 0;
    while (i < end) {
      int codePoint = value.codePointAt(i);
      int chars = Character.charCount(codePoint);
      if (codePoint == '\\') {
        escaped.append("\\\\");
      } else if (printable(codePoint)) {
        escaped.appendCodePoint(codePoint);
      } else {
        for (int j = i; j < i + chars; j++) {
          escaped.append(String.format("\\u%04x", (int) value.charAt(j)));
        }
      }
      i += chars;
    }
    if (value.length() > i) {
      escaped.append("...(").append(value.length() - i).append(" more)");
    }
    return escaped.toString();
  }

  private static boolean printable(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
              Character.FORMAT,
              Character.LINE_SEPARATOR,
              Character.PARAGRAPH_SEPARATOR,
              Character.SURROGATE,
              Character.UNASSIGNED,
              Character.PRIVATE_USE ->
          false;
      default -> true;
    };
  }
}
