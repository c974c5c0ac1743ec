package io.gitwatch.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.IntConsumer;

/** Reading a delivery's body within its limits. */
final class DeliveryBody {

  // A worker reads bodies in steps of this size, reserving each before it is read.
  private static final int STEP = 64 * 1024;

  private DeliveryBody() {}

  /**
   * Reads a body in steps, {@code reserve} told of each step before it is read. Nothing is
   * allocated for bytes not yet reserved: a caller's {@code Content-Length} is a claim, not bytes.
   */
  static byte[] read(InputStream in, int declaredLength, long maxBodyBytes, IntConsumer reserve) {
    if (declaredLength > maxBodyBytes) {
      throw tooLarge(maxBodyBytes);
    }
    // Read one byte past the limit to tell "exactly at the limit" from "over it".
    long limit = maxBodyBytes + 1;
    var body =
        new ByteArrayOutputStream(declaredLength > 0 ? Math.min(declaredLength, STEP) : 8192);
    long read = 0;
    while (read < limit) {
      int step = (int) Math.min(STEP, limit - read);
      reserve.accept(step);
      byte[] chunk;
      try {
        chunk = in.readNBytes(step);
      } catch (IOException e) {
        // The caller went away or stalled past the server's read timeout: nobody to answer.
        throw new Rejection(Rejection.Reason.MALFORMED, "the body could not be read: " + e);
      }
      body.writeBytes(chunk);
      read += chunk.length;
      if (chunk.length < step) {
        break;
      }
    }
    if (read > maxBodyBytes) {
      throw tooLarge(maxBodyBytes);
    }
    return body.toByteArray();
  }

  private static Rejection tooLarge(long maxBodyBytes) {
    return new Rejection(
        Rejection.Reason.TOO_LARGE,
        "body larger than " + maxBodyBytes + " bytes (gitwatch.webhook.max-body-bytes)");
  }
}
