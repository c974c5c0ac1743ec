package io.gitwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The build fuzzes every {@code @FuzzTest} method: Jazzer fuzzes one method per JVM, so each needs
 * its own Surefire execution in the pom's {@code fuzz} profile, and a new one without it would only
 * ever replay its seeds.
 */
class FuzzExecutionsTest {

  private static final Path BASEDIR = Path.of(System.getProperty("gitwatch.basedir", "."));
  private static final Pattern FUZZ_TEST =
      Pattern.compile("@FuzzTest\\b[^;{]*?\\bvoid\\s+(\\w+)\\s*\\(", Pattern.DOTALL);

  @Test
  void everyFuzzTestMethodHasAFuzzingExecutionInThePomAndNoExecutionNamesAMissingOne()
      throws Exception {
    assertThat(executions()).isEqualTo(fuzzTestMethods()).isNotEmpty();
  }

  /** {@code Class#method} of every method annotated {@code @FuzzTest} under src/test/java. */
  private static Set<String> fuzzTestMethods() throws IOException {
    Set<String> methods = new TreeSet<>();
    try (Stream<Path> files = Files.walk(BASEDIR.resolve("src/test/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith("FuzzTest.java")).toList()) {
        String name = file.getFileName().toString().replace(".java", "");
        Matcher matcher = FUZZ_TEST.matcher(Files.readString(file));
        while (matcher.find()) {
          methods.add(name + "#" + matcher.group(1));
        }
      }
    }
    return methods;
  }

  /** The {@code <test>} of every execution in the profile {@code fuzz} that sets JAZZER_FUZZ. */
  private static Set<String> executions() throws Exception {
    Element pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(BASEDIR.resolve("pom.xml").toFile())
            .getDocumentElement();
    NodeList profiles = pom.getElementsByTagName("profile");
    Set<String> tests = new TreeSet<>();
    for (int i = 0; i < profiles.getLength(); i++) {
      Element profile = (Element) profiles.item(i);
      if (!"fuzz".equals(text(profile, "id"))) {
        continue;
      }
      NodeList executions = profile.getElementsByTagName("execution");
      for (int j = 0; j < executions.getLength(); j++) {
        Element execution = (Element) executions.item(j);
        if ("1".equals(text(execution, "JAZZER_FUZZ"))) {
          tests.add(text(execution, "test"));
        }
      }
    }
    return tests;
  }

  private static String text(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().strip();
  }
}
