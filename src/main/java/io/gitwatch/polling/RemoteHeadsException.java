package io.gitwatch.polling;

import jakarta.ejb.ApplicationException;
import java.util.regex.Pattern;

/**
 * Why a remote's head could not be read: a fixed {@link FailureReason} and a message in our own
 * words a user can act on. The message never holds a password, token or key, URLs in it have no
 * user info, and nothing the remote sent is in it: what the remote said is kept apart as {@link
 * #detail()}, redacted and escaped, for the log only.
 *
 * <p>It has no cause on purpose: JGit's and sshd's exceptions may quote URLs with credentials, and
 * a logged cause chain would print them. It is an EJB application exception so that it leaves a
 * timer bean unwrapped and does not make the container retry the timeout.
 */
@ApplicationException
public class RemoteHeadsException extends RuntimeException {

  // scheme://user:password@host → scheme://host; the user alone may be a token, too. Greedy up to
  // the authority's last '@', so an unescaped '@' in a password leaks nothing either.
  private static final Pattern USER_INFO =
      Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.-]*://)[^/\\s]*@");

  private static final int MAX_DETAIL_CHARS = 500;

  private final FailureReason reason;
  private final String detail;

  public RemoteHeadsException(FailureReason reason, String message) {
    this(reason, message, null);
  }

  /**
   * @param detail what the remote or a library said, already redacted; escaped and shortened here
   */
  public RemoteHeadsException(FailureReason reason, String message, String detail) {
    super(message);
    this.reason = reason;
    this.detail = detail == null ? null : escaped(shortened(detail));
  }

  public FailureReason reason() {
    return reason;
  }

  /** For the log only: the remote's or the library's words, redacted and escaped; may be null. */
  public String detail() {
    return detail;
  }

  /** {@code text} with the user info removed from every URL in it. */
  static String withoutUserInfo(String text) {
    return text == null ? null : USER_INFO.matcher(text).replaceAll("$1");
  }

  /**
   * {@code text} with control characters (C0, DEL, C1, line and paragraph separators) written as
   * {@code \\uXXXX}, so a remote cannot forge log lines or hide text in a terminal.
   */
  public static String escaped(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String shortened(String text) {
    return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "...";
  }
}
