package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fleet's restriction rules (AuthorizeAndAssignDefaults at rancher/fleet 3b2c622 and its tests),
 * for the fields polling and webhooks depend on.
 */
class RestrictionsTest {

  @Test
  void allowsEverythingWithoutRestrictionObjects() {
    Admission admission = Restrictions.combine(List.of(), List.of()).admit(spec("bar", "csn"));

    assertThat(admission.allowed()).isTrue();
    assertThat(admission.clientSecretName()).isEqualTo("csn");
  }

  @Test
  void refusesARepositoryNoRestrictionPatternMatches() {
    var restrictions = Restrictions.combine(List.of(restriction("a", repos("baz"))), List.of());

    Admission admission = restrictions.admit(spec("bar", null));

    assertThat(admission.allowed()).isFalse();
    assertThat(admission.refusal())
        .isEqualTo("spec.repo is not allowed by the namespace's restrictions");
  }

  @Test
  void searchesRestrictionPatternsAnywhereInTheUrlAsFleetDoes() {
    var restrictions =
        Restrictions.combine(List.of(restriction("a", repos("github.com/org/"))), List.of());

    assertThat(restrictions.admit(spec("https://github.com/org/app", null)).allowed()).isTrue();
    assertThat(restrictions.admit(spec("https://evil.example/github.com/org/x", null)).allowed())
        .isTrue();
    assertThat(restrictions.admit(spec("https://github.com/other/app", null)).allowed()).isFalse();
  }

  @Test
  void matchesPolicyPatternsAgainstTheWholeUrl() {
    var restrictions =
        Restrictions.combine(
            List.of(),
            List.of(
                policy(
                    "p", Map.of("allowedRepoPatterns", List.of("https://github\\.com/org/.*")))));

    assertThat(restrictions.admit(spec("https://github.com/org/app", null)).allowed()).isTrue();
    assertThat(
            restrictions
                .admit(spec("https://evil.example/https://github.com/org/x", null))
                .allowed())
        .isFalse();
    assertThat(restrictions.admit(spec("https://github.com/org/app#x", null)).allowed()).isTrue();
  }

  @Test
  void allowsARepositoryEitherKindAllows() {
    var restrictions =
        Restrictions.combine(
            List.of(restriction("a", repos("gitlab.example"))),
            List.of(policy("p", Map.of("allowedRepoPatterns", List.of("https://github.com/.*")))));

    assertThat(restrictions.admit(spec("https://gitlab.example/x", null)).allowed()).isTrue();
    assertThat(restrictions.admit(spec("https://github.com/x", null)).allowed()).isTrue();
    assertThat(restrictions.admit(spec("https://bitbucket.org/x", null)).allowed()).isFalse();
  }

  @Test
  void aPatternEqualToTheUrlMatchesEvenWithRegexCharacters() {
    var restrictions =
        Restrictions.combine(
            List.of(),
            List.of(policy("p", Map.of("allowedRepoPatterns", List.of("https://h/a+b(c")))));

    assertThat(restrictions.admit(spec("https://h/a+b(c", null)).allowed()).isTrue();
  }

  @Test
  void aPatternThatDoesNotCompileRefusesUnlessAnEarlierOneMatched() {
    var broken = Restrictions.combine(List.of(restriction("a", repos("(", "github"))), List.of());
    var earlier = Restrictions.combine(List.of(restriction("a", repos("github", "("))), List.of());

    assertThat(broken.admit(spec("https://github.com/x", null)).allowed()).isFalse();
    assertThat(earlier.admit(spec("https://github.com/x", null)).allowed()).isTrue();
  }

  @Test
  void understandsGoNamedGroups() {
    var restrictions =
        Restrictions.combine(
            List.of(),
            List.of(
                policy(
                    "p",
                    Map.of("allowedRepoPatterns", List.of("https://(?P<host>github\\.com)/.*")))));

    assertThat(restrictions.admit(spec("https://github.com/x", null)).allowed()).isTrue();
  }

  @Test
  void givesTheRestrictionsDefaultSecretToAGitRepoThatNamesNone() {
    var restrictions =
        Restrictions.combine(
            List.of(
                restriction("b", Map.of("defaultClientSecretName", "second")),
                restriction("a", Map.of("defaultClientSecretName", "first"))),
            List.of(policy("p", Map.of("defaultClientSecretName", "policy"))));

    assertThat(restrictions.admit(spec("r", null)).clientSecretName()).isEqualTo("first");
    assertThat(restrictions.admit(spec("r", "own")).clientSecretName()).isEqualTo("own");
  }

  @Test
  void givesThePolicysDefaultSecretWhenNoRestrictionHasOne() {
    var restrictions =
        Restrictions.combine(
            List.of(restriction("a", Map.of())),
            List.of(policy("p", Map.of("defaultClientSecretName", "policy"))));

    assertThat(restrictions.admit(spec("r", " ")).clientSecretName()).isEqualTo("policy");
  }

  @Test
  void refusesADefaultSecretThatIsNotInTheAllowedNames() {
    var restrictions =
        Restrictions.combine(
            List.of(
                restriction(
                    "a",
                    Map.of(
                        "defaultClientSecretName",
                        "dcsn",
                        "allowedClientSecretNames",
                        List.of("csn")))),
            List.of());

    Admission admission = restrictions.admit(spec("r", null));

    assertThat(admission.allowed()).isFalse();
    assertThat(admission.refusal())
        .isEqualTo("clientSecretName dcsn is not allowed by the namespace's restrictions");
  }

  @Test
  void allowsASecretNamedByEitherKindsList() {
    var restrictions =
        Restrictions.combine(
            List.of(restriction("a", Map.of("allowedClientSecretNames", List.of("one")))),
            List.of(policy("p", Map.of("allowedClientSecretNames", List.of("two")))));

    assertThat(restrictions.admit(spec("r", "one")).allowed()).isTrue();
    assertThat(restrictions.admit(spec("r", "two")).allowed()).isTrue();
    assertThat(restrictions.admit(spec("r", "three")).allowed()).isFalse();
    assertThat(restrictions.admit(spec("r", null)).allowed()).isTrue();
  }

  @Test
  void refusesEverythingUntilTheRestrictionsAreLoaded() {
    Admission admission = Restrictions.NOT_LOADED.admit(spec("r", null));

    assertThat(admission.allowed()).isFalse();
    assertThat(admission.refusal()).contains("not loaded yet");
  }

  @Test
  void ignoresFieldsOfTheWrongShape() {
    var restrictions =
        Restrictions.combine(
            List.of(
                restriction(
                    "a",
                    Map.of("allowedRepoPatterns", "not-a-list", "defaultClientSecretName", 7))),
            List.of(Map.of("gitRepo", "not-a-map")));

    Admission admission = restrictions.admit(spec("anything", null));

    assertThat(admission.allowed()).isTrue();
    assertThat(admission.clientSecretName()).isNull();
  }

  private static Map<String, Object> repos(String... patterns) {
    return Map.of("allowedRepoPatterns", List.of(patterns));
  }

  private static Map<String, Object> restriction(String name, Map<String, Object> fields) {
    var object = new java.util.HashMap<String, Object>(fields);
    object.put("metadata", Map.of("name", name));
    return object;
  }

  private static Map<String, Object> policy(String name, Map<String, Object> gitRepo) {
    return Map.of("metadata", Map.of("name", name), "gitRepo", gitRepo);
  }

  private static GitRepoSpec spec(String repo, String clientSecretName) {
    var spec = new GitRepoSpec();
    spec.setRepo(repo);
    spec.setClientSecretName(clientSecretName);
    return spec;
  }
}
