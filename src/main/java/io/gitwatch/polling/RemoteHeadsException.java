package io.gitwatch.polling;

import jakarta.ejb.ApplicationException;
import java.util.regex.Pattern;

/**
 * Why a remote's head could not be read, in words a user can act on; the message never holds a
 * password, token or key, and URLs in it have no user info.
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

  public RemoteHeadsException(String message) {
    super(message);
  }

  /** {@code text} with the user info removed from every URL in it. */
  static String withoutUserInfo(String text) {
    return text == null ? null : USER_INFO.matcher(text).replaceAll("$1");
  }
}
