package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallDeadlineTest {

  final CallDeadline deadline =
      new CallDeadline(Duration.ofMillis(200), Executors.defaultThreadFactory());

  @AfterEach
  void stop() {
    deadline.stop();
  }

  @Test
  void aCallThatNeverEndsIsInterruptedAtItsLimitAndReportedAsStoreUnavailable() {
    var never = new CompletableFuture<String>();

    assertThatThrownBy(() -> deadline.call("reading ns/app", () -> waitFor(never)))
        .isInstanceOf(StoreUnavailable.class)
        .hasMessage("reading ns/app: no answer within 200 ms");
    assertThat(Thread.currentThread().isInterrupted()).as("the interrupt was cleared").isFalse();
  }

  @Test
  void aCallWithinItsLimitIsLeftAloneAndLeavesNoInterruptBehind() {
    Thread caller = Thread.currentThread();

    assertThat(deadline.call("reading ns/app", () -> "answer")).isEqualTo("answer");

    await()
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofMillis(800))
        .until(() -> !caller.isInterrupted());
  }

  @Test
  void aFailureOfTheCallItselfPassesAsItIs() {
    assertThatThrownBy(
            () ->
                deadline.call(
                    "reading ns/app",
                    () -> {
                      throw new IllegalStateException("HTTP 500");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("HTTP 500");
  }

  // As fabric8 waits for an answer: an interrupt becomes an I/O failure.
  private static String waitFor(CompletableFuture<String> answer) {
    try {
      return answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }
}
