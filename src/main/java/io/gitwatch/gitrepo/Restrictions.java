package io.gitwatch.gitrepo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Fleet's tenant restrictions of one namespace, its {@code GitRepoRestriction} and {@code Policy}
 * objects combined as Fleet's {@code AuthorizeAndAssignDefaults} combines them: each kind in name
 * order, allow-lists concatenated, the first non-empty default winning (a GitRepoRestriction's
 * before a Policy's), defaults applied before the checks.
 *
 * <p>Only what polling and webhooks depend on is read: {@code allowedRepoPatterns}, {@code
 * allowedClientSecretNames} and {@code defaultClientSecretName}. Fleet refuses a GitRepo for the
 * other fields too (service accounts, target namespaces), but then it deploys nothing either way.
 */
public final class Restrictions {

  /** A namespace without restriction objects: everything is allowed. */
  public static final Restrictions NONE =
      new Restrictions(List.of(), List.of(), List.of(), null, null, null);

  /** Before the restriction objects are loaded: nothing is allowed (fail closed). */
  public static final Restrictions NOT_LOADED =
      new Restrictions(
          List.of(),
          List.of(),
          List.of(),
          null,
          null,
          "the namespace's restrictions are not loaded yet");

  private final List<RepoPattern> restrictionPatterns;
  private final List<RepoPattern> policyPatterns;
  private final List<String> allowedClientSecretNames;
  private final String restrictionDefaultSecret;
  private final String policyDefaultSecret;
  private final String refuseAll;

  private Restrictions(
      List<RepoPattern> restrictionPatterns,
      List<RepoPattern> policyPatterns,
      List<String> allowedClientSecretNames,
      String restrictionDefaultSecret,
      String policyDefaultSecret,
      String refuseAll) {
    this.refuseAll = refuseAll;
    this.restrictionPatterns = restrictionPatterns;
    this.policyPatterns = policyPatterns;
    this.allowedClientSecretNames = allowedClientSecretNames;
    this.restrictionDefaultSecret = restrictionDefaultSecret;
    this.policyDefaultSecret = policyDefaultSecret;
  }

  /**
   * Combines the objects of one namespace.
   *
   * @param restrictions the {@code GitRepoRestriction} objects, as maps of their top-level fields
   *     (name under {@code metadata.name})
   * @param policies the {@code Policy} objects, likewise; their GitRepo fields sit under {@code
   *     gitRepo}
   */
  public static Restrictions combine(
      List<Map<String, Object>> restrictions, List<Map<String, Object>> policies) {
    if (restrictions.isEmpty() && policies.isEmpty()) {
      return NONE;
    }
    List<RepoPattern> restrictionPatterns = new ArrayList<>();
    List<RepoPattern> policyPatterns = new ArrayList<>();
    List<String> secretNames = new ArrayList<>();
    String restrictionDefault = null;
    for (Map<String, Object> restriction : byName(restrictions)) {
      strings(restriction.get("allowedRepoPatterns"))
          .forEach(p -> restrictionPatterns.add(RepoPattern.unanchored(p)));
      secretNames.addAll(strings(restriction.get("allowedClientSecretNames")));
      restrictionDefault =
          firstNonEmpty(restrictionDefault, restriction.get("defaultClientSecretName"));
    }
    String policyDefault = null;
    for (Map<String, Object> policy : byName(policies)) {
      if (!(policy.get("gitRepo") instanceof Map<?, ?> gitRepo)) {
        continue;
      }
      strings(gitRepo.get("allowedRepoPatterns"))
          .forEach(p -> policyPatterns.add(RepoPattern.anchored(p)));
      secretNames.addAll(strings(gitRepo.get("allowedClientSecretNames")));
      policyDefault = firstNonEmpty(policyDefault, gitRepo.get("defaultClientSecretName"));
    }
    return new Restrictions(
        List.copyOf(restrictionPatterns),
        List.copyOf(policyPatterns),
        List.copyOf(secretNames),
        restrictionDefault,
        policyDefault,
        null);
  }

  /**
   * Whether a GitRepo with this spec may be polled and updated, and with which credentials Secret.
   */
  public Admission admit(GitRepoSpec spec) {
    if (refuseAll != null) {
      return Admission.refused(refuseAll);
    }
    String clientSecretName =
        firstNonEmpty(
            firstNonEmpty(blankToNull(spec.getClientSecretName()), restrictionDefaultSecret),
            policyDefaultSecret);
    String repo = spec.getRepo();
    if (!repoAllowed(repo)) {
      return Admission.refused("spec.repo is not allowed by the namespace's restrictions");
    }
    if (clientSecretName != null
        && !allowedClientSecretNames.isEmpty()
        && !allowedClientSecretNames.contains(clientSecretName)) {
      return Admission.refused(
          "clientSecretName "
              + clientSecretName
              + " is not allowed by the namespace's restrictions");
    }
    return Admission.allowed(clientSecretName);
  }

  // Either list may allow the repository; a pattern that does not compile refuses when reached.
  private boolean repoAllowed(String repo) {
    if (repo == null || repo.isEmpty()) {
      return true;
    }
    if (restrictionPatterns.isEmpty() && policyPatterns.isEmpty()) {
      return true;
    }
    return allows(restrictionPatterns, repo) || allows(policyPatterns, repo);
  }

  private static boolean allows(List<RepoPattern> patterns, String repo) {
    for (RepoPattern pattern : patterns) {
      Optional<Boolean> verdict = pattern.matches(repo);
      if (verdict.isEmpty()) {
        return false; // Fleet stops at a pattern that does not compile
      }
      if (verdict.get()) {
        return true;
      }
    }
    return false;
  }

  /**
   * One allowed-repository pattern: a Go regular expression, searched anywhere in the URL
   * (GitRepoRestriction) or matched against all of it (Policy); a pattern equal to the URL matches
   * too.
   */
  private record RepoPattern(String source, Pattern compiled) {

    static RepoPattern unanchored(String source) {
      return new RepoPattern(source, compile(source));
    }

    static RepoPattern anchored(String source) {
      return new RepoPattern(source, compile("^(?:" + source + ")$"));
    }

    /** Whether the URL matches; empty when the pattern does not compile. */
    Optional<Boolean> matches(String repo) {
      if (source.equals(repo)) {
        return Optional.of(true);
      }
      return compiled == null ? Optional.empty() : Optional.of(compiled.matcher(repo).find());
    }

    private static Pattern compile(String goRegex) {
      try {
        // Go spells a named group (?P<name>...); Java (?<name>...).
        return Pattern.compile(goRegex.replace("(?P<", "(?<"));
      } catch (PatternSyntaxException e) {
        return null;
      }
    }
  }

  private static List<Map<String, Object>> byName(List<Map<String, Object>> objects) {
    return objects.stream().sorted(Comparator.comparing(Restrictions::name)).toList();
  }

  private static String name(Map<String, Object> object) {
    return object.get("metadata") instanceof Map<?, ?> metadata
            && metadata.get("name") instanceof String name
        ? name
        : "";
  }

  private static List<String> strings(Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
  }

  private static String firstNonEmpty(String current, Object candidate) {
    if (current != null) {
      return current;
    }
    return candidate instanceof String text && !text.isEmpty() ? text : null;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
