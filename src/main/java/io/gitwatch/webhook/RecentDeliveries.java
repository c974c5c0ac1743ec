package io.gitwatch.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The deliveries answered lately, by provider and delivery id: providers redeliver with the same
 * id, and a repeat of a delivery that already succeeded needs no write and no poll. Bounded in size
 * and time.
 */
@ApplicationScoped
public class RecentDeliveries {

  private static final int MAX_ENTRIES = 10_000;

  @Inject
  @ConfigProperty(name = "gitwatch.webhook.replay-window-seconds", defaultValue = "600")
  long windowSeconds;

  private final Map<String, Long> answered =
      new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  /** Whether this delivery succeeded within the window; deliveries without an id never repeat. */
  public synchronized boolean isRepeat(Provider provider, String deliveryId) {
    if (deliveryId.isEmpty()) {
      return false;
    }
    Long at = answered.get(key(provider, deliveryId));
    return at != null && System.nanoTime() - at < windowSeconds * 1_000_000_000L;
  }

  /** Records a delivery that was processed to the end (never one that failed: it may come back). */
  public synchronized void succeeded(Provider provider, String deliveryId) {
    if (!deliveryId.isEmpty()) {
      String key = key(provider, deliveryId);
      answered.remove(key); // re-insert: eviction stays oldest-first
      answered.put(key, System.nanoTime());
    }
  }

  private static String key(Provider provider, String deliveryId) {
    return provider.label() + "/" + deliveryId;
  }
}
