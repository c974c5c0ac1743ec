package io.gitwatch.gitrepo;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.serializer.Serializer;

/**
 * One file of manifests as SnakeYAML nodes rather than plain maps, so that status can be merged
 * into a document and the file written back with the user's comments, key order and quoting.
 */
final class ManifestFile {

  static final String GITREPO_API_VERSION = "fleet.cattle.io/v1alpha1";
  static final String DEFAULT_NAMESPACE = "default";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** YAML 1.1 as kubectl reads it: decides which new status strings need quotes. */
  private static final Resolver YAML_11 = new Resolver();

  private static final Resolver RESOLVER = new StringTimestamps();

  private static final Pattern EXPLICIT_FIRST_DOCUMENT =
      Pattern.compile("\\A(?:[ \\t]*(?:#[^\\n]*)?\\r?\\n)*---(?:[ \\t\\r\\n]|\\z)");

  private static final Pattern INDENTED_BLANK_LINE = Pattern.compile("(?m)^[ \\t]+$");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final Path path;
  private final byte[] bytes;
  private final List<Node> documents;

  /** A GitRepo found in a file, with the document it came from to tell real changes apart. */
  record Entry(GitRepo gitRepo, Map<?, ?> source) {}

  /**
   * What a file holds: GitRepos, Secrets and ConfigMaps by {@code namespace/name} in file order,
   * and the documents that were skipped, each with the reason.
   */
  record Contents(
      Map<GitRepoId, Entry> gitRepos,
      Map<String, StoredSecret> secrets,
      Map<String, Map<String, String>> configMaps,
      List<String> problems) {

    /** Names only: the record's own would print the Secrets' values. */
    @Override
    public String toString() {
      return "Contents[gitRepos="
          + gitRepos.keySet()
          + ", secrets="
          + secrets.keySet()
          + ", configMaps="
          + configMaps.keySet()
          + "]";
    }
  }

  /** The file is not YAML; the message names the document and the problem. */
  static final class InvalidYaml extends Exception {
    InvalidYaml(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private ManifestFile(Path path, byte[] bytes, List<Node> documents) {
    this.path = path;
    this.bytes = bytes;
    this.documents = documents;
  }

  static ManifestFile read(Path path) throws IOException, InvalidYaml {
    byte[] bytes = Files.readAllBytes(path);
    List<Node> documents = new ArrayList<>();
    try {
      for (Node document : yaml().composeAll(new StringReader(text(bytes)))) {
        documents.add(document);
      }
    } catch (YAMLException e) {
      throw new InvalidYaml(
          "document " + (documents.size() + 1) + ": invalid YAML: " + describe(e), e);
    }
    return new ManifestFile(path, bytes, documents);
  }

  /**
   * Reads every document; one that is not a valid GitRepo or Secret is a problem, not a failure.
   */
  Contents contents() {
    var gitRepos = new LinkedHashMap<GitRepoId, Entry>();
    var secrets = new LinkedHashMap<String, StoredSecret>();
    var configMaps = new LinkedHashMap<String, Map<String, String>>();
    var problems = new ArrayList<String>();
    for (int i = 0; i < documents.size(); i++) {
      String where = "document " + (i + 1) + ": ";
      try {
        Object document = construct(documents.get(i));
        if (document == null) {
          continue;
        }
        if (!(document instanceof Map<?, ?> manifest)) {
          problems.add(where + "not a mapping; skipped");
          continue;
        }
        String problem = add(manifest, gitRepos, secrets, configMaps);
        if (problem != null) {
          problems.add(where + problem);
        }
      } catch (YAMLException e) {
        problems.add(where + describe(e) + "; skipped");
      } catch (IllegalArgumentException e) {
        problems.add(where + oneLine(e.getMessage()) + "; skipped");
      }
    }
    return new Contents(gitRepos, secrets, configMaps, problems);
  }

  /** The document of a GitRepo, found by its metadata without reading the rest of the file. */
  Optional<MappingNode> gitRepo(String namespace, String name) {
    for (Node document : documents) {
      if (document instanceof MappingNode manifest
          && "GitRepo".equals(scalar(manifest, "kind"))
          && GITREPO_API_VERSION.equals(scalar(manifest, "apiVersion"))
          && value(manifest, "metadata") instanceof MappingNode metadata
          && name.equals(scalar(metadata, "name"))
          && namespace.equals(namespaceOf(metadata))) {
        return Optional.of(manifest);
      }
    }
    return Optional.empty();
  }

  /**
   * Merges a status patch into a GitRepo's document as a JSON merge patch would: each field of
   * {@code patch} replaces the field of the same name (a list as a whole), others stay.
   *
   * @return whether the document changed
   */
  static boolean mergeStatus(MappingNode gitRepo, Map<String, Object> patch) {
    if (patch.isEmpty()) {
      return false;
    }
    Node current = value(gitRepo, "status");
    if (!(current instanceof MappingNode status)) {
      put(gitRepo, "status", node(patch));
      return true;
    }
    // "status: {}" would otherwise stay a flow mapping holding every field on one line.
    if (status.getValue().isEmpty()) {
      status.setFlowStyle(DumperOptions.FlowStyle.BLOCK);
    }
    boolean changed = false;
    for (var field : patch.entrySet()) {
      Node old = value(status, field.getKey());
      Object value = field.getValue();
      if (old != null && field.getKey().equals("conditions")) {
        value = conditionsMerged(construct(old), value);
      }
      if (old == null || !Objects.equals(construct(old), value)) {
        put(status, field.getKey(), node(value));
        changed = true;
      }
    }
    return changed;
  }

  /** The file's conditions with each patched one in place of its type's, others kept as written. */
  private static Object conditionsMerged(Object current, Object patched) {
    if (!(current instanceof List<?>) || !(patched instanceof List<?>)) {
      return patched;
    }
    List<GitRepoCondition> merged =
        GitRepoCondition.merge(conditions(current), conditions(patched));
    return SERIALIZATION.convertValue(merged, List.class);
  }

  private static List<GitRepoCondition> conditions(Object list) {
    return Arrays.asList(SERIALIZATION.convertValue(list, GitRepoCondition[].class));
  }

  /** A status patch's non-null fields, as they appear in YAML. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> fields(GitRepoStatus patch) {
    return SERIALIZATION.convertValue(patch, Map.class);
  }

  /** The whole file as YAML, in the layout the user wrote it in as far as SnakeYAML can tell. */
  String render() {
    var out = new StringWriter();
    DumperOptions options = layout();
    var serializer = new Serializer(new Emitter(out, options), RESOLVER, options, null);
    try {
      serializer.open();
      for (Node document : documents) {
        serializer.serialize(document);
      }
      serializer.close();
    } catch (IOException e) {
      throw new IllegalStateException("writing to a string failed", e);
    }
    // SnakeYAML indents the blank lines it keeps; it never emits a scalar with a blank-but-spaces
    // line (those must be double-quoted), so such a line is always one of those.
    return INDENTED_BLANK_LINE.matcher(out.toString()).replaceAll("");
  }

  /**
   * Replaces the file with {@code text} through a temporary file and an atomic rename, so no reader
   * ever sees half of it, unless the file changed since it was read: then nothing is written, so
   * the caller can start over from the user's new version.
   *
   * @return false when the file changed on disk since it was read
   */
  boolean replaceIfUnchanged(String text) throws IOException {
    // A symlink (a ConfigMap mount, a dotfiles repo) stays a symlink: its target is replaced.
    Path target = path.toRealPath();
    Path temporary =
        Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      copyPermissions(target, temporary);
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      if (!Arrays.equals(Files.readAllBytes(target), bytes)) {
        return false;
      }
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static String add(
      Map<?, ?> manifest,
      Map<GitRepoId, Entry> gitRepos,
      Map<String, StoredSecret> secrets,
      Map<String, Map<String, String>> configMaps) {
    Object kind = manifest.get("kind");
    Object apiVersion = manifest.get("apiVersion");
    if ("GitRepo".equals(kind) && GITREPO_API_VERSION.equals(apiVersion)) {
      return addGitRepo(manifest, gitRepos);
    }
    if ("Secret".equals(kind) && "v1".equals(apiVersion)) {
      return addSecret(manifest, secrets);
    }
    if ("ConfigMap".equals(kind) && "v1".equals(apiVersion)) {
      return addConfigMap(manifest, configMaps);
    }
    if ("GitRepo".equals(kind) || "Secret".equals(kind) || "ConfigMap".equals(kind)) {
      return kind + " with apiVersion " + apiVersion + " is not supported; skipped";
    }
    return null;
  }

  private static String addGitRepo(Map<?, ?> manifest, Map<GitRepoId, Entry> gitRepos) {
    GitRepo gitRepo = SERIALIZATION.convertValue(manifest, GitRepo.class);
    var metadata = gitRepo.getMetadata();
    if (metadata == null || isBlank(metadata.getName())) {
      return "GitRepo without metadata.name; skipped";
    }
    if (isBlank(metadata.getNamespace())) {
      metadata.setNamespace(DEFAULT_NAMESPACE);
    }
    if (isBlank(gitRepo.spec().getRepo())) {
      return "GitRepo " + gitRepo.id() + " has no spec.repo; skipped";
    }
    if (gitRepos.putIfAbsent(gitRepo.id(), new Entry(gitRepo, manifest)) != null) {
      return "GitRepo " + gitRepo.id() + " is defined twice in this file; the first one is used";
    }
    return null;
  }

  /** Decodes {@code data} (base64) and {@code stringData}; a problem never quotes a value. */
  private static String addSecret(Map<?, ?> manifest, Map<String, StoredSecret> secrets) {
    if (!(manifest.get("metadata") instanceof Map<?, ?> metadata)
        || isBlank(asString(metadata.get("name")))) {
      return "Secret without metadata.name; skipped";
    }
    String namespace = asString(metadata.get("namespace"));
    String id =
        (isBlank(namespace) ? DEFAULT_NAMESPACE : namespace) + "/" + asString(metadata.get("name"));
    var data = new HashMap<String, String>();
    Object encoded = manifest.get("data");
    Object plain = manifest.get("stringData");
    if ((encoded != null && !(encoded instanceof Map))
        || (plain != null && !(plain instanceof Map))) {
      return "Secret " + id + ": data and stringData must be mappings; skipped";
    }
    if (encoded instanceof Map<?, ?> map) {
      for (var e : map.entrySet()) {
        byte[] value = base64(e.getValue());
        if (value == null) {
          return "Secret " + id + ": data." + e.getKey() + " is not base64; skipped";
        }
        data.put(String.valueOf(e.getKey()), new String(value, StandardCharsets.UTF_8));
      }
    }
    if (plain instanceof Map<?, ?> map) {
      // As the API server does: stringData is merged over data.
      map.forEach(
          (k, v) -> data.put(String.valueOf(k), Objects.requireNonNullElse(asString(v), "")));
    }
    StoredSecret secret = new StoredSecret(asString(manifest.get("type")), data);
    if (secrets.putIfAbsent(id, secret) != null) {
      return "Secret " + id + " is defined twice in this file; the first one is used";
    }
    return null;
  }

  /** A ConfigMap's {@code data} (Fleet's {@code known-hosts}); {@code binaryData} is not read. */
  private static String addConfigMap(
      Map<?, ?> manifest, Map<String, Map<String, String>> configMaps) {
    if (!(manifest.get("metadata") instanceof Map<?, ?> metadata)
        || isBlank(asString(metadata.get("name")))) {
      return "ConfigMap without metadata.name; skipped";
    }
    String namespace = asString(metadata.get("namespace"));
    String id =
        (isBlank(namespace) ? DEFAULT_NAMESPACE : namespace) + "/" + asString(metadata.get("name"));
    Object data = manifest.get("data");
    if (data != null && !(data instanceof Map)) {
      return "ConfigMap " + id + ": data must be a mapping; skipped";
    }
    var values = new HashMap<String, String>();
    if (data instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> values.put(String.valueOf(k), Objects.requireNonNullElse(asString(v), "")));
    }
    if (configMaps.putIfAbsent(id, Map.copyOf(values)) != null) {
      return "ConfigMap " + id + " is defined twice in this file; the first one is used";
    }
    return null;
  }

  /** Strict base64 as the API server wants it, though a long value may be wrapped; else null. */
  private static byte[] base64(Object value) {
    if (value != null && !(value instanceof String)) {
      return null;
    }
    try {
      return Base64.getDecoder()
          .decode(value == null ? "" : WHITESPACE.matcher((String) value).replaceAll(""));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Sets a key of a mapping, keeping its place and the comments around the old value. */
  private static void put(MappingNode mapping, String key, Node value) {
    List<NodeTuple> tuples = mapping.getValue();
    for (int i = 0; i < tuples.size(); i++) {
      NodeTuple tuple = tuples.get(i);
      if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        Node old = tuple.getValueNode();
        value.setBlockComments(old.getBlockComments());
        value.setInLineComments(old.getInLineComments());
        value.setEndComments(old.getEndComments());
        tuples.set(i, new NodeTuple(k, value));
        return;
      }
    }
    tuples.add(new NodeTuple(string(key), value));
  }

  private static Node node(Object value) {
    if (value instanceof Map<?, ?> map) {
      var tuples = new ArrayList<NodeTuple>();
      map.forEach((k, v) -> tuples.add(new NodeTuple(string(String.valueOf(k)), node(v))));
      return new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.BLOCK);
    }
    if (value instanceof List<?> list) {
      return new SequenceNode(
          Tag.SEQ, list.stream().map(ManifestFile::node).toList(), DumperOptions.FlowStyle.BLOCK);
    }
    if (value instanceof String s) {
      return string(s);
    }
    // null, booleans and numbers: the tag YAML gives their plain text
    String text = String.valueOf(value);
    return new ScalarNode(
        YAML_11.resolve(NodeId.scalar, text, true),
        text,
        null,
        null,
        DumperOptions.ScalarStyle.PLAIN);
  }

  /**
   * A string scalar, quoted when kubectl's YAML 1.1 would read it as something else (a timestamp, a
   * number, {@code yes}).
   */
  private static ScalarNode string(String value) {
    boolean plain = YAML_11.resolve(NodeId.scalar, value, true).equals(Tag.STR);
    return new ScalarNode(
        Tag.STR,
        value,
        null,
        null,
        plain ? DumperOptions.ScalarStyle.PLAIN : DumperOptions.ScalarStyle.DOUBLE_QUOTED);
  }

  private static Node value(MappingNode mapping, String key) {
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return tuple.getValueNode();
      }
    }
    return null;
  }

  private static String namespaceOf(MappingNode metadata) {
    String namespace = scalar(metadata, "namespace");
    return isBlank(namespace) ? DEFAULT_NAMESPACE : namespace;
  }

  private static String scalar(MappingNode mapping, String key) {
    return value(mapping, key) instanceof ScalarNode s ? s.getValue() : null;
  }

  /**
   * The indentation the file uses (of mappings, and of sequences under their key), from the first
   * nested mapping and sequence found, and its line breaks and leading {@code ---}.
   */
  private DumperOptions layout() {
    var options = new DumperOptions();
    options.setProcessComments(true);
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setSplitLines(false);
    options.setWidth(4096);
    String text = text(bytes);
    options.setExplicitStart(EXPLICIT_FIRST_DOCUMENT.matcher(text).find());
    if (text.contains("\r\n")) {
      options.setLineBreak(DumperOptions.LineBreak.WIN);
    }
    int[] found = {-1, -1}; // mapping indent, sequence offset
    documents.forEach(document -> measure(document, found));
    int indent = found[0] >= 2 && found[0] <= 8 ? found[0] : 2;
    int offset = Math.max(found[1], 0);
    options.setIndent(indent);
    if (offset > 0 && indent == 2) {
      // "key:\n  - item": SnakeYAML can only add the offset to the indent.
      options.setIndicatorIndent(2);
      options.setIndentWithIndicator(true);
    } else if (offset > 0) {
      options.setIndicatorIndent(Math.min(offset, indent - 2));
    }
    return options;
  }

  private static void measure(Node node, int[] found) {
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        int keyColumn = column(tuple.getKeyNode());
        Node value = tuple.getValueNode();
        if (isBlock(value) && keyColumn >= 0 && column(value) >= 0) {
          int i = value instanceof MappingNode ? 0 : 1;
          if (found[i] < 0) {
            found[i] = column(value) - keyColumn;
          }
        }
        measure(value, found);
      }
    } else if (node instanceof SequenceNode sequence) {
      sequence.getValue().forEach(item -> measure(item, found));
    }
  }

  private static boolean isBlock(Node node) {
    return (node instanceof MappingNode m
            && m.getFlowStyle() == DumperOptions.FlowStyle.BLOCK
            && !m.getValue().isEmpty())
        || (node instanceof SequenceNode s
            && s.getFlowStyle() == DumperOptions.FlowStyle.BLOCK
            && !s.getValue().isEmpty());
  }

  private static int column(Node node) {
    return node.getStartMark() == null ? -1 : node.getStartMark().getColumn();
  }

  private static void copyPermissions(Path from, Path to) throws IOException {
    var source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    if (source != null) {
      Files.setPosixFilePermissions(to, source.readAttributes().permissions());
    }
  }

  private static Yaml yaml() {
    var loading = new LoaderOptions();
    loading.setProcessComments(true);
    var dumping = new DumperOptions();
    dumping.setProcessComments(true);
    return new Yaml(
        new SafeConstructor(loading), new Representer(dumping), dumping, loading, RESOLVER);
  }

  /** Plain Java values (maps, lists, strings, numbers, booleans) of a document or part of one. */
  private static Object construct(Node node) {
    var loading = new LoaderOptions();
    return new PlainValues(loading).construct(node);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String asString(Object value) {
    return value == null ? null : value.toString();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /**
   * The problem and where it is, without the excerpt of the line SnakeYAML adds to its message:
   * that line may hold a Secret's value.
   */
  private static String describe(YAMLException e) {
    if (!(e instanceof MarkedYAMLException marked) || marked.getProblem() == null) {
      return oneLine(e.getMessage());
    }
    String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
    return context + oneLine(marked.getProblem()) + at(marked.getProblemMark());
  }

  private static String at(Mark mark) {
    return mark == null
        ? ""
        : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
  }

  private static String oneLine(String message) {
    return message == null ? "unknown error" : message.strip().replaceAll("\\s*\\n\\s*", " ");
  }

  /** SafeConstructor, opened up to build values from nodes that were composed beforehand. */
  private static final class PlainValues extends SafeConstructor {
    PlainValues(LoaderOptions options) {
      super(options);
    }

    Object construct(Node node) {
      return constructDocument(node);
    }
  }

  /**
   * Leaves timestamps as strings: Kubernetes has no timestamp type, and a {@code Date} would turn
   * {@code lastWebhookTime} into a number.
   */
  private static final class StringTimestamps extends Resolver {
    @Override
    public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
      if (!Tag.TIMESTAMP.equals(tag)) {
        super.addImplicitResolver(tag, regexp, first, limit);
      }
    }
  }
}
