package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading a delivery's body: what is held is what was read and reserved, never what was claimed.
 */
class DeliveryBodyTest {

  static final long MAX_BODY = 25L * 1024 * 1024;

  @Test
  void aClaimedContentLengthAllocatesNothingBeyondTheBytesThatArrive() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[] small = "{\"zen\":\"hi\"}".getBytes();
    DeliveryBody.read(new ByteArrayInputStream(small), 20_000_000, MAX_BODY, step -> {});

    long before = threads.getCurrentThreadAllocatedBytes();
    byte[] body =
        DeliveryBody.read(new ByteArrayInputStream(small), 20_000_000, MAX_BODY, step -> {});
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(body).isEqualTo(small);
    // A buffer sized by the header would be 20 MB for every caller that claims it, unreserved.
    assertThat(allocated).isLessThan(1_000_000);
  }

  @Test
  void everyStepIsReservedBeforeItIsReadAndTheLimitIsAByteCount() {
    List<Integer> reserved = new ArrayList<>();
    byte[] body =
        DeliveryBody.read(new ByteArrayInputStream(new byte[200_000]), -1, MAX_BODY, reserved::add);

    assertThat(body).hasSize(200_000);
    assertThat(reserved.stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(200_000);
    assertThatThrownBy(
            () -> DeliveryBody.read(new ByteArrayInputStream(new byte[1001]), -1, 1000, s -> {}))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(413));
  }
}
