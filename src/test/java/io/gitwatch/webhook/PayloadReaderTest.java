package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PayloadReaderTest {

  final PayloadReader reader = new PayloadReader(64, 64);

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static Stream<Arguments> unreadable() {
    return Stream.of(
        // Found by Jazzer: Parsson throws NumberFormatException, which was answered 500.
        Arguments.of("an exponent beyond an int", "{\"ref\":1E999999999999}"),
        Arguments.of("a negative exponent beyond an int", "{\"ref\":1e-999999999999}"),
        Arguments.of("a number of 65 digits", "{\"ref\":" + "1".repeat(65) + "}"),
        Arguments.of("a number of 2,000 digits", "{\"ref\":" + "1".repeat(2000) + "}"),
        Arguments.of("nesting 65 deep", "{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}"),
        Arguments.of(
            "nesting 10,000 deep", "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"),
        Arguments.of("an array", "[1]"),
        Arguments.of("a truncated object", "{\"ref\": "),
        Arguments.of("not JSON", "payload=x"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadable")
  void aPayloadItCannotReadWithinItsLimitsIsA400(String name, String payload) {
    assertThatThrownBy(() -> reader.read(bytes(payload)))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(400));
    assertThat(reader.readOrNull(bytes(payload))).isNull();
  }

  @Test
  void readsWhatProvidersSendUpToItsLimits() {
    String deepest = "{\"a\":" + "[".repeat(63) + "]".repeat(63) + "}";
    String longest = "{\"a\":" + "1".repeat(64) + ",\"b\":1E999999,\"c\":-0.5e-3}";

    assertThat(reader.read(bytes(deepest)).containsKey("a")).isTrue();
    assertThat(reader.read(bytes(longest)).getJsonNumber("c").doubleValue()).isEqualTo(-0.0005);
  }
}
