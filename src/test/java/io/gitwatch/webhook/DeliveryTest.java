package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryTest {

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFormDeliveryCarriesItsDecodedPayloadAndKeepsTheRawBody() {
    Delivery delivery = Delivery.form(Map.of(), bytes("payload=%7B%22a%22%3A1%7D&other=x"));

    assertThat(new String(delivery.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(new String(delivery.body(), StandardCharsets.UTF_8)).startsWith("payload=");
  }

  @Test
  void rawJsonSentAsAFormIsTakenAsJson() {
    Delivery delivery = Delivery.form(Map.of(), bytes(" {\"a\":1}"));

    assertThat(delivery.payload()).isEqualTo(delivery.body());
  }

  @Test
  void aBadlyEncodedPayloadIsA400() {
    assertThatThrownBy(() -> Delivery.form(Map.of(), bytes("payload=%zz")))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(400));
  }

  @Test
  void aFormWithoutPayloadIsA400() {
    assertThatThrownBy(() -> Delivery.form(Map.of(), bytes("a=b")))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(400));
  }

  @Test
  void headersAreCaseInsensitiveAndBlankMeansAbsent() {
    Delivery delivery =
        Delivery.json(Map.of("x-github-event", "push", "X-Empty", " "), bytes("{}"));

    assertThat(delivery.header("X-GitHub-Event")).isEqualTo("push");
    assertThat(delivery.has("X-Empty")).isFalse();
  }
}
