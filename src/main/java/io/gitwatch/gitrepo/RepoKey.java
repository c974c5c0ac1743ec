package io.gitwatch.gitrepo;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The canonical identity of a git repository, computed the same way from a webhook payload's URLs
 * and from {@code GitRepo.spec.repo}, so that matching is an exact lookup (Fleet's regex match,
 * spec §2.2, is loose: unanchored start, case-folded paths, one-sided Azure rewrites).
 *
 * @param host the lowercased host without user, port or trailing dot; empty for {@code file://}
 * @param path the decoded path without leading or trailing {@code /} and {@code .git}; never empty
 */
public record RepoKey(String host, String path) {

  /** Longer inputs are not URLs anyone configures; refusing them bounds the work per call. */
  static final int MAX_URL_CHARS = 4096;

  private static final Set<String> SCHEMES =
      Set.of("https", "http", "ssh", "git", "git+ssh", "ssh+git", "file");

  private static final String AZURE = "dev.azure.com";

  private static final Pattern SCP_HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]");

  /** Without a user, an scp-like host must look like one (a dot, an IPv6 literal, localhost). */
  private static final Pattern DOTTED_HOST = Pattern.compile("[^.]+\\..*|\\[.*]|(?i:localhost)");

  /** Hosts whose paths the provider treats case-insensitively (checked after aliasing). */
  private static final Set<String> CASE_INSENSITIVE_HOSTS =
      Set.of("github.com", "bitbucket.org", AZURE);

  public RepoKey {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
  }

  /**
   * The key of a clone or web URL ({@code scheme://[user[:pw]@]host[:port]/path} or scp-like {@code
   * [user@]host:path}), or empty when the input is not one; never throws.
   */
  public static Optional<RepoKey> of(String url) {
    if (url == null) {
      return Optional.empty();
    }
    String s = url.strip();
    if (s.isEmpty() || s.length() > MAX_URL_CHARS) {
      return Optional.empty();
    }
    int schemeEnd = s.indexOf("://");
    return schemeEnd >= 0 ? ofUrl(s, schemeEnd) : ofScp(s);
  }

  @Override
  public String toString() {
    return host + "/" + path;
  }

  private static Optional<RepoKey> ofUrl(String s, int schemeEnd) {
    String scheme = s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      return Optional.empty();
    }
    String rest = s.substring(schemeEnd + 3);
    // A query or fragment is not part of a repository's identity (URI semantics).
    int end = indexOfAny(rest, "?#");
    if (end >= 0) {
      rest = rest.substring(0, end);
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String rawPath = slash < 0 ? "" : rest.substring(slash);
    String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
    String host;
    String port;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = hostPort.substring(0, close + 1);
      String after = hostPort.substring(close + 1);
      if (!after.isEmpty() && !after.startsWith(":")) {
        return Optional.empty();
      }
      port = after.isEmpty() ? "" : after.substring(1);
    } else {
      int colon = hostPort.indexOf(':');
      host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      port = colon < 0 ? "" : hostPort.substring(colon + 1);
    }
    if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.empty();
    }
    if (scheme.equals("file")) {
      // file:///srv/repo and file://localhost/srv/repo name a local path; other hosts are not ours.
      if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
        return Optional.empty();
      }
      return key("", rawPath, true);
    }
    return key(host, rawPath, false);
  }

  /** Git's rule: without {@code ://}, a colon before any slash makes {@code [user@]host:path}. */
  private static Optional<RepoKey> ofScp(String s) {
    // The user ends at the last '@' before the host; IPv6 hosts are bracketed ([::1]:path).
    int at = -1;
    int colon = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/') {
        return Optional.empty();
      }
      if (c == '@') {
        at = i;
      } else if (c == '[' && i == at + 1) {
        int close = s.indexOf(']', i);
        if (close < 0) {
          return Optional.empty();
        }
        i = close;
      } else if (c == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      return Optional.empty();
    }
    String host = s.substring(at + 1, colon);
    // Stricter than git: "mailto:x", "javascript:x" or a drive letter are not hosts we serve.
    if (!SCP_HOST.matcher(host).matches() || (at < 0 && !DOTTED_HOST.matcher(host).matches())) {
      return Optional.empty();
    }
    return key(host, s.substring(colon + 1), false);
  }

  private static Optional<RepoKey> key(String rawHost, String rawPath, boolean local) {
    String host = local ? "" : canonicalHost(rawHost);
    if (host == null) {
      return Optional.empty();
    }
    List<String> segments = segments(rawPath);
    if (segments == null) {
      return Optional.empty();
    }
    host = alias(host, segments);
    if (CASE_INSENSITIVE_HOSTS.contains(host)) {
      segments.replaceAll(segment -> segment.toLowerCase(Locale.ROOT));
    }
    if (segments.isEmpty()) {
      return Optional.empty();
    }
    int last = segments.size() - 1;
    String name = segments.get(last);
    if (name.endsWith(".git")) {
      name = name.substring(0, name.length() - ".git".length());
      if (name.isEmpty()) {
        return Optional.empty();
      }
      segments.set(last, name);
    }
    return Optional.of(new RepoKey(host, String.join("/", segments)));
  }

  /** Lowercased, trailing dot dropped; null when empty or holding URL syntax. */
  private static String canonicalHost(String raw) {
    String host = raw.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
    String inner = bracketed ? host.substring(1, host.length() - 1) : host;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c <= ' ' || c == 0x7f || "/\\?#@[]%".indexOf(c) >= 0 || (c == ':' && !bracketed)) {
        return null;
      }
    }
    // Not validated further on purpose: "https://.*/o/r" is the host ".*", a plain string.
    return host.isEmpty() ? null : host;
  }

  /**
   * The path's non-empty segments, percent-decoded; null when the path is malformed (bad escape,
   * invalid UTF-8, control character, or a "." / ".." segment that would make two spellings of one
   * path, or one spelling of two).
   */
  private static List<String> segments(String rawPath) {
    String path = percentDecode(rawPath);
    if (path == null) {
      return null;
    }
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        return null;
      }
      if (!segment.isEmpty()) {
        segments.add(segment);
      }
    }
    return segments;
  }

  /** Decodes {@code %XX} escapes as UTF-8 ({@code +} stays a plus: this is a path, not a form). */
  private static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return hasControl(raw) ? null : raw;
    }
    StringBuilder decoded = new StringBuilder(raw.length());
    byte[] run = new byte[raw.length() / 3];
    int i = 0;
    while (i < raw.length()) {
      if (raw.charAt(i) != '%') {
        decoded.append(raw.charAt(i++));
        continue;
      }
      // A run of escapes is decoded together: one character may take several bytes.
      int n = 0;
      while (i < raw.length() && raw.charAt(i) == '%') {
        if (i + 2 >= raw.length()) {
          return null;
        }
        int high = hexDigit(raw.charAt(i + 1));
        int low = hexDigit(raw.charAt(i + 2));
        if (high < 0 || low < 0) {
          return null;
        }
        run[n++] = (byte) (high << 4 | low);
        i += 3;
      }
      try {
        decoded.append(
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(run, 0, n)));
      } catch (CharacterCodingException e) {
        return null;
      }
    }
    return hasControl(decoded) ? null : decoded.toString();
  }

  /** ASCII only: {@link Character#digit} would also take other scripts' digits. */
  private static int hexDigit(char c) {
    return HexFormat.isHexDigit(c) ? HexFormat.fromHexDigit(c) : -1;
  }

  private static boolean hasControl(CharSequence s) {
    return s.chars().anyMatch(c -> c < ' ' || c == 0x7f);
  }

  /**
   * Folds a provider's other spellings of one repository into one: Azure DevOps SSH hosts and
   * legacy {@code <org>.visualstudio.com} into {@code dev.azure.com/<org>/<project>/<repo>};
   * GitHub's and Bitbucket's SSH-over-443 hosts into their main host. May rewrite {@code segments}.
   */
  private static String alias(String host, List<String> segments) {
    switch (host) {
      case "ssh.github.com":
        return "github.com";
      case "altssh.bitbucket.org":
        return "bitbucket.org";
      case "ssh.dev.azure.com", "vs-ssh.visualstudio.com":
        // git@ssh.dev.azure.com:v3/<org>/<project>/<repo>
        if (!segments.isEmpty() && segments.get(0).equalsIgnoreCase("v3")) {
          segments.remove(0);
        }
        return AZURE;
      case AZURE:
        // https://dev.azure.com/<org>/<project>/_git/<repo>
        dropGit(segments);
        return AZURE;
      default:
        if (host.endsWith(".visualstudio.com") && host.length() > ".visualstudio.com".length()) {
          // https://<org>.visualstudio.com/[DefaultCollection/]<project>/_git/<repo>
          String org = host.substring(0, host.length() - ".visualstudio.com".length());
          if (!segments.isEmpty() && segments.get(0).equalsIgnoreCase("DefaultCollection")) {
            segments.remove(0);
          }
          segments.add(0, org);
          dropGit(segments);
          return AZURE;
        }
        return host;
    }
  }

  /**
   * Removes Azure's {@code _git} segment from {@code <org>/<project>/_git/<repo>}; the short form
   * {@code <org>/_git/<repo>} names the repository of the project with the same name.
   */
  private static void dropGit(List<String> segments) {
    if (segments.size() == 4 && segments.get(2).equalsIgnoreCase("_git")) {
      segments.remove(2);
    } else if (segments.size() == 3 && segments.get(1).equalsIgnoreCase("_git")) {
      segments.set(1, segments.get(2));
    }
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
