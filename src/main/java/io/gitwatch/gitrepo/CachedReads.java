package io.gitwatch.gitrepo;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Secrets and ConfigMaps read by name with a GET and reused for a short while: Gitwatch needs no
 * cluster-wide list or watch of Secrets, and a webhook or poll costs no GET each time.
 */
final class CachedReads {

  private record Cached<T>(Optional<T> value, long expiresAtNanos) {}

  private final KubernetesClient client;
  private final Duration reuse;
  private final CallDeadline calls;
  private final Map<String, Cached<StoredSecret>> secrets = new ConcurrentHashMap<>();
  private final Map<String, Cached<Map<String, String>>> configMaps = new ConcurrentHashMap<>();

  CachedReads(KubernetesClient client, Duration reuse, CallDeadline calls) {
    this.client = client;
    this.reuse = reuse;
    this.calls = calls;
  }

  Optional<StoredSecret> secret(String namespace, String name) {
    return cached(
        secrets,
        namespace,
        name,
        "Secret",
        () ->
            Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get())
                .map(s -> new StoredSecret(s.getType(), decode(s))));
  }

  Optional<Map<String, String>> configMap(String namespace, String name) {
    return cached(
        configMaps,
        namespace,
        name,
        "ConfigMap",
        () ->
            Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get())
                .map(
                    c -> c.getData() == null ? Map.<String, String>of() : Map.copyOf(c.getData())));
  }

  private <T> Optional<T> cached(
      Map<String, Cached<T>> cache,
      String namespace,
      String name,
      String kind,
      Supplier<Optional<T>> read) {
    String id = namespace + "/" + name;
    Cached<T> cached = cache.get(id);
    if (cached != null && System.nanoTime() - cached.expiresAtNanos() < 0) {
      return cached.value();
    }
    Optional<T> value;
    try {
      // Bounded like every other call: a webhook or a poll must not wait for a stalled answer.
      value = calls.call("reading " + kind + " " + id, read);
    } catch (KubernetesClientException e) {
      throw new StoreUnavailable(
          "reading " + kind + " " + id + " failed (HTTP " + e.getCode() + ")", e);
    }
    cache.put(id, new Cached<>(value, System.nanoTime() + reuse.toNanos()));
    return value;
  }

  private static Map<String, String> decode(Secret secret) {
    var data = new HashMap<String, String>();
    if (secret.getData() != null) {
      Base64.Decoder base64 = Base64.getMimeDecoder();
      secret
          .getData()
          .forEach((k, v) -> data.put(k, new String(base64.decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      data.putAll(secret.getStringData());
    }
    return Map.copyOf(data);
  }
}
