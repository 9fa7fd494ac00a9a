package dev.stormwatch.correlator.graph;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.stormwatch.avro.ServiceKind;
import dev.stormwatch.avro.ServiceNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a service topology document into {@link ServiceNode}s. Three formats, recognised by
 * content, not by file name:
 *
 * <ul>
 *   <li><b>JSON</b>: {@code {"name": ..., "services": [{"name", "kind", "dependsOn": [...]}]}} as in
 *       {@code ../shared/topologies}. {@code owner}, {@code system}, {@code tier} and
 *       {@code runbook} map to their fields, a {@code labels} object and every other field of a
 *       service (e.g. {@code language}, {@code port}, {@code image}) to {@code labels}; null
 *       fields are dropped. The optional top-level {@code edges} ({@code [{from, to}]}) are merged
 *       with {@code dependsOn}: the dependencies of a service are the union of both, and every
 *       disagreement is a warning. Other top-level keys are ignored.</li>
 *   <li><b>YAML</b>: the same structure, one YAML document.</li>
 *   <li><b>Backstage</b> {@code catalog-info.yaml}: one or more YAML documents, recognised by an
 *       {@code apiVersion} starting with {@code backstage.io/}. Each {@code Component} and
 *       {@code Resource} becomes a node; see {@link #parse(String, String, String, Instant)} for the
 *       mapping. Other kinds are skipped.</li>
 * </ul>
 *
 * <p>Service names must be non-blank and unique; a {@code dependsOn} naming a service the
 * document does not define is allowed (the correlator treats it as an unknown, isolated node)
 * and reported as a warning; cycles are allowed. Every error is a
 * {@link TopologyDocumentException} whose message is one line with the source and the path.
 *
 * <p>Pure: no clock (the caller passes {@code updatedAt}), no I/O except reading the file in
 * {@link #read(Path, String, Instant)}. Thread-safe.
 */
public final class TopologyDocuments {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** Jackson's "(for Array starting at [Source: ...])" suffix: the line and column are given already. */
  private static final Pattern JACKSON_CONTEXT = Pattern.compile("\\s*\\(for (Array|Object) starting at .*$");

  /** Fields of a JSON/YAML service that map to {@link ServiceNode} fields rather than labels. */
  private static final Set<String> SERVICE_FIELDS =
      Set.of("name", "kind", "dependsOn", "owner", "system", "tier", "runbook", "labels");

  /** Backstage kinds that are not nodes and are skipped without a warning. */
  private static final Set<String> SKIPPED_BACKSTAGE_KINDS =
      Set.of("system", "api", "group", "user", "location", "domain", "template");

  /** Backstage {@code spec.type} values (lower case) and the kind each maps to; others are OTHER. */
  private static final Map<String, ServiceKind> BACKSTAGE_TYPES = backstageTypes();

  /** Annotation names (after any {@code domain/} prefix, lower case) that carry a runbook URL. */
  private static final Set<String> RUNBOOK_ANNOTATIONS = Set.of("runbook", "runbook-url", "runbook_url", "runbookurl");

  private TopologyDocuments() {
  }

  /**
   * Reads and parses {@code file}; errors name the file as given.
   *
   * @param file         the document
   * @param nameOverride the topology name to use instead of the document's own, or null
   * @param updatedAt    the {@code updatedAt} of every node
   * @return the nodes and warnings
   * @throws TopologyDocumentException if the file cannot be read or is not a valid topology
   */
  public static TopologyDocument read(Path file, String nameOverride, Instant updatedAt) {
    String source = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TopologyDocumentException(source, "", "file not found", e);
    } catch (IOException e) {
      throw new TopologyDocumentException(source, "", "cannot read the file: " + e.getMessage(), e);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new TopologyDocumentException(source, "", "not UTF-8 text", e);
    }
    return parse(source, text, nameOverride, updatedAt);
  }

  /**
   * Parses a topology document.
   *
   * <p>The topology's name is {@code nameOverride} when given; else the JSON/YAML {@code name};
   * for Backstage, the name of the one {@code System} entity in the file, else the
   * {@code spec.system} shared by every node; without any of them it is an error.
   *
   * <p>Backstage mapping: {@code metadata.name} → name (names are bare: the namespace is dropped,
   * so two entities of one name in different namespaces are duplicates); {@code spec.type} →
   * kind ({@code service}/{@code backend} → SERVICE, {@code website}/{@code frontend} → FRONTEND,
   * {@code database}, {@code cache}/{@code redis}, {@code queue}/{@code kafka-topic}..., anything
   * else OTHER) and the raw type to label {@code type}; {@code spec.dependsOn} entity references
   * such as {@code component:default/cart} or {@code resource:redis-cart} → bare names;
   * {@code spec.consumesApis} → a dependency on every Component of the file that
   * {@code providesApis} it; {@code spec.owner} and {@code spec.system} → bare names (the
   * {@code group:}/{@code user:} kind and the namespace are stripped); {@code spec.lifecycle} →
   * label {@code lifecycle}; a runbook annotation (a key ending in {@code /runbook} or {@code /runbook-url}) or a
   * {@code metadata.links} entry titled "runbook" → runbook; {@code metadata.labels.tier} → tier;
   * the other {@code metadata.labels} and {@code metadata.annotations} → labels; the entity
   * reference → label {@code entityRef}.
   *
   * @param source       the file name or other source, used in messages
   * @param text         the document's text
   * @param nameOverride the topology name to use instead of the document's own, or null
   * @param updatedAt    the {@code updatedAt} of every node
   * @return the nodes and warnings
   * @throws TopologyDocumentException if the text is not a valid topology document
   */
  public static TopologyDocument parse(String source, String text, String nameOverride, Instant updatedAt) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (nameOverride != null && nameOverride.isBlank()) {
      throw new TopologyDocumentException(source, "", "the topology name must not be blank");
    }
    String content = text.startsWith("\uFEFF") ? text.substring(1) : text;
    String start = content.stripLeading();
    if (start.isEmpty()) {
      throw new TopologyDocumentException(source, "", "the file is empty");
    }
    Parser parser = new Parser(source, nameOverride == null ? null : nameOverride.strip(), updatedAt);
    if (start.charAt(0) == '{' || start.charAt(0) == '[') {
      return parser.plain(readJson(source, content), TopologyDocument.Format.JSON);
    }
    List<JsonNode> documents = readYaml(source, content);
    if (documents.isEmpty()) {
      throw new TopologyDocumentException(source, "", "the file is empty");
    }
    if (documents.stream().anyMatch(TopologyDocuments::isBackstage)) {
      return parser.backstage(documents);
    }
    if (documents.size() > 1) {
      throw new TopologyDocumentException(source, "", "expected one YAML document, found " + documents.size()
          + " (a Backstage catalog needs apiVersion: backstage.io/v1alpha1)");
    }
    return parser.plain(documents.get(0), TopologyDocument.Format.YAML);
  }

  private static boolean isBackstage(JsonNode document) {
    JsonNode apiVersion = document.path("apiVersion");
    return apiVersion.isTextual() && apiVersion.asText().startsWith("backstage.io/");
  }

  private static JsonNode readJson(String source, String content) {
    try {
      return JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw syntaxError(source, "JSON", e);
    }
  }

  private static List<JsonNode> readYaml(String source, String content) {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(content)) {
      while (it.hasNextValue()) {
        JsonNode document = it.nextValue();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    } catch (JacksonException e) {
      throw syntaxError(source, "YAML", e);
    } catch (IOException e) {
      throw new TopologyDocumentException(source, "", "cannot read YAML: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // Jackson wraps some parser errors (e.g. SnakeYAML's limits) in unchecked exceptions
      throw new TopologyDocumentException(source, "", "not valid YAML: " + firstLine(e.getMessage()), e);
    }
    return documents;
  }

  private static TopologyDocumentException syntaxError(String source, String format, JacksonException e) {
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
      // SnakeYAML's own message spans lines; its problem and mark are the useful part
      Mark mark = yaml.getProblemMark();
      return new TopologyDocumentException(source, "", "not valid YAML at line " + (mark.getLine() + 1) + ", column "
          + (mark.getColumn() + 1) + ": " + firstLine(yaml.getProblem()), e);
    }
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String message = JACKSON_CONTEXT.matcher(firstLine(e.getOriginalMessage())).replaceFirst("");
    return new TopologyDocumentException(source, "", "not valid " + format + where + ": " + message, e);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    return message.lines().findFirst().orElse("").strip();
  }

  private static Map<String, ServiceKind> backstageTypes() {
    Map<String, ServiceKind> types = new LinkedHashMap<>();
    for (String t : List.of("service", "backend", "microservice")) {
      types.put(t, ServiceKind.SERVICE);
    }
    for (String t : List.of("website", "frontend", "web", "webapp", "spa")) {
      types.put(t, ServiceKind.FRONTEND);
    }
    for (String t : List.of("database", "db", "postgres", "postgresql", "mysql", "mongodb", "mongo")) {
      types.put(t, ServiceKind.DATABASE);
    }
    for (String t : List.of("cache", "redis", "memcached")) {
      types.put(t, ServiceKind.CACHE);
    }
    for (String t : List.of("queue", "message-queue", "message-broker", "kafka", "kafka-topic", "topic", "rabbitmq",
        "sqs", "pubsub")) {
      types.put(t, ServiceKind.QUEUE);
    }
    return Map.copyOf(types);
  }

  /** The bare name of a Backstage entity reference: {@code [kind:][namespace/]name} → {@code name}. */
  static String bareName(String reference) {
    String ref = reference.strip();
    int colon = ref.indexOf(':');
    if (colon >= 0) {
      ref = ref.substring(colon + 1);
    }
    int slash = ref.lastIndexOf('/');
    if (slash >= 0) {
      ref = ref.substring(slash + 1);
    }
    return ref.strip();
  }

  /** One parse: the source, options and the warnings collected so far. Not thread-safe. */
  private static final class Parser {

    private final String source;
    private final String nameOverride;
    private final Instant updatedAt;
    private final List<String> warnings = new ArrayList<>();

    Parser(String source, String nameOverride, Instant updatedAt) {
      this.source = source;
      this.nameOverride = nameOverride;
      this.updatedAt = updatedAt;
    }

    // ---- JSON / YAML form ----

    TopologyDocument plain(JsonNode root, TopologyDocument.Format format) {
      if (!root.isObject()) {
        throw error("", "expected an object with \"name\" and \"services\"");
      }
      String name = nameOverride != null ? nameOverride : requiredName(root.get("name"), "name",
          "expected the topology's name (a non-blank string)");
      JsonNode services = root.get("services");
      if (services == null || !services.isArray()) {
        throw error("services", "expected a list of services");
      }
      if (services.isEmpty()) {
        throw error("services", "the list is empty; a topology needs at least one service");
      }
      List<Draft> drafts = new ArrayList<>();
      for (int i = 0; i < services.size(); i++) {
        drafts.add(plainService(services.get(i), "services[" + i + "]"));
      }
      checkUnique(drafts, "services");
      mergeEdges(root.get("edges"), drafts);
      return finish(name, format, drafts);
    }

    private Draft plainService(JsonNode node, String path) {
      if (!node.isObject()) {
        throw error(path, "expected an object with a name");
      }
      String name = requiredName(node.get("name"), path + ".name", "expected a non-blank service name");
      Draft draft = new Draft(path, path + ".dependsOn", name);
      draft.kind = plainKind(node.get("kind"), path + ".kind", draft);
      draft.dependsOn.addAll(names(node.get("dependsOn"), path + ".dependsOn", "expected a list of names"));
      draft.owner = optionalText(node.get("owner"), path + ".owner");
      draft.system = optionalText(node.get("system"), path + ".system");
      draft.tier = optionalText(node.get("tier"), path + ".tier");
      draft.runbook = optionalText(node.get("runbook"), path + ".runbook");
      JsonNode labels = node.get("labels");
      if (labels != null && !labels.isNull()) {
        if (!labels.isObject()) {
          throw error(path + ".labels", "expected a mapping of names to values");
        }
        putLabels(labels, draft.labels);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!SERVICE_FIELDS.contains(field.getKey())) {
          putLabel(field.getKey(), field.getValue(), draft.labels);
        }
      }
      return draft;
    }

    private ServiceKind plainKind(JsonNode node, String path, Draft draft) {
      String kind = optionalText(node, path);
      if (kind == null) {
        return ServiceKind.OTHER;
      }
      for (ServiceKind candidate : ServiceKind.values()) {
        if (candidate.name().equalsIgnoreCase(kind.strip())) {
          return candidate;
        }
      }
      warnings.add(path + ": unknown kind '" + kind + "' (known: service, frontend, database, cache, queue, other);"
          + " loaded as other");
      draft.labels.put("kind", kind);
      return ServiceKind.OTHER;
    }

    /** Unions {@code edges} into {@code dependsOn}, warning about every disagreement. */
    private void mergeEdges(JsonNode edges, List<Draft> drafts) {
      if (edges == null || edges.isNull()) {
        return;
      }
      if (!edges.isArray()) {
        throw error("edges", "expected a list of {from, to}");
      }
      Map<String, Draft> byName = new LinkedHashMap<>();
      drafts.forEach(d -> byName.put(d.name, d));
      Set<String> listed = new LinkedHashSet<>();
      for (int j = 0; j < edges.size(); j++) {
        String path = "edges[" + j + "]";
        JsonNode edge = edges.get(j);
        if (!edge.isObject()) {
          throw error(path, "expected an object with from and to");
        }
        String from = requiredName(edge.get("from"), path + ".from", "expected a service name");
        String to = requiredName(edge.get("to"), path + ".to", "expected a service name");
        listed.add(from + "\u0000" + to);
        Draft caller = byName.get(from);
        if (caller == null) {
          warnings.add(path + ": '" + from + "' is not a service of this document; edge " + from + " -> " + to
              + " ignored");
        } else if (!caller.dependsOn.contains(to)) {
          caller.dependsOn.add(to);
          warnings.add(path + ": " + from + " -> " + to + " is not in " + caller.path + ".dependsOn; added");
        }
      }
      if (edges.isEmpty()) {
        return;
      }
      for (Draft draft : drafts) {
        for (String to : draft.dependsOn) {
          if (!listed.contains(draft.name + "\u0000" + to)) {
            warnings.add(draft.path + ".dependsOn: " + draft.name + " -> " + to + " has no entry in edges; kept");
          }
        }
      }
    }

    // ---- Backstage ----

    TopologyDocument backstage(List<JsonNode> documents) {
      List<Draft> drafts = new ArrayList<>();
      List<String> systems = new ArrayList<>();
      Map<String, List<String>> consumedApis = new LinkedHashMap<>();
      Map<String, Set<String>> providers = new LinkedHashMap<>();
      for (int d = 0; d < documents.size(); d++) {
        String path = "documents[" + d + "]";
        JsonNode entity = documents.get(d);
        if (!entity.isObject()) {
          throw error(path, "expected a Backstage entity (a mapping with apiVersion, kind, metadata)");
        }
        if (!isBackstage(entity)) {
          throw error(path + ".apiVersion", "expected backstage.io/v1alpha1 (or another backstage.io/ version),"
              + " got " + describe(entity.get("apiVersion")));
        }
        String kind = requiredName(entity.get("kind"), path + ".kind", "expected an entity kind");
        String lower = kind.toLowerCase(Locale.ROOT);
        if (lower.equals("component") || lower.equals("resource")) {
          Draft draft = backstageEntity(entity, path, lower);
          drafts.add(draft);
          consumedApis.put(draft.name, refs(entity.path("spec").get("consumesApis"), path + ".spec.consumesApis"));
          for (String api : refs(entity.path("spec").get("providesApis"), path + ".spec.providesApis")) {
            providers.computeIfAbsent(api, a -> new LinkedHashSet<>()).add(draft.name);
          }
        } else if (lower.equals("system")) {
          systems.add(requiredName(entity.path("metadata").get("name"), path + ".metadata.name",
              "expected a non-blank name"));
        } else if (!SKIPPED_BACKSTAGE_KINDS.contains(lower)) {
          warnings.add(path + ".kind: unknown entity kind '" + kind + "'; skipped");
        }
      }
      if (drafts.isEmpty()) {
        throw error("", "no Component or Resource entities; nothing to load");
      }
      checkUnique(drafts, "documents");
      for (Draft draft : drafts) {
        List<String> apis = consumedApis.get(draft.name);
        for (int i = 0; i < apis.size(); i++) {
          Set<String> byApi = providers.get(apis.get(i));
          if (byApi == null) {
            warnings.add(draft.path + ".spec.consumesApis[" + i + "]: no Component of this catalog provides API '"
                + apis.get(i) + "'; ignored");
            continue;
          }
          byApi.stream().filter(p -> !p.equals(draft.name)).forEach(draft.dependsOn::add);
        }
      }
      return finish(backstageName(systems, drafts), TopologyDocument.Format.BACKSTAGE, drafts);
    }

    private Draft backstageEntity(JsonNode entity, String path, String kind) {
      JsonNode metadata = entity.path("metadata");
      if (!metadata.isObject()) {
        throw error(path + ".metadata", "expected a mapping with a name");
      }
      Draft draft = new Draft(path, path + ".spec.dependsOn", requiredName(metadata.get("name"), path + ".metadata.name",
          "expected a non-blank name"));
      JsonNode spec = entity.path("spec");
      if (!spec.isMissingNode() && !spec.isNull() && !spec.isObject()) {
        throw error(path + ".spec", "expected a mapping");
      }
      String type = optionalText(spec.get("type"), path + ".spec.type");
      draft.kind = type == null ? ServiceKind.OTHER
          : BACKSTAGE_TYPES.getOrDefault(type.strip().toLowerCase(Locale.ROOT), ServiceKind.OTHER);
      draft.dependsOn.addAll(refs(spec.get("dependsOn"), path + ".spec.dependsOn"));
      String owner = optionalText(spec.get("owner"), path + ".spec.owner");
      draft.owner = owner == null ? null : bareName(owner);
      String system = optionalText(spec.get("system"), path + ".spec.system");
      draft.system = system == null ? null : bareName(system);

      JsonNode labels = metadata.get("labels");
      if (labels != null && !labels.isNull()) {
        if (!labels.isObject()) {
          throw error(path + ".metadata.labels", "expected a mapping of names to values");
        }
        putLabels(labels, draft.labels);
        draft.tier = draft.labels.remove("tier");
      }
      JsonNode annotations = metadata.get("annotations");
      if (annotations != null && !annotations.isNull()) {
        if (!annotations.isObject()) {
          throw error(path + ".metadata.annotations", "expected a mapping of names to values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        putLabels(annotations, values);
        for (Map.Entry<String, String> annotation : values.entrySet()) {
          String key = annotation.getKey();
          String bare = key.substring(key.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
          if (draft.runbook == null && RUNBOOK_ANNOTATIONS.contains(bare)) {
            draft.runbook = annotation.getValue();
          } else {
            draft.labels.put(key, annotation.getValue());
          }
        }
      }
      if (draft.runbook == null) {
        draft.runbook = runbookLink(metadata.get("links"), path + ".metadata.links");
      }
      String lifecycle = optionalText(spec.get("lifecycle"), path + ".spec.lifecycle");
      if (lifecycle != null) {
        draft.labels.put("lifecycle", lifecycle);
      }
      if (type != null) {
        draft.labels.put("type", type);
      }
      String namespace = optionalText(metadata.get("namespace"), path + ".metadata.namespace");
      draft.labels.put("entityRef", kind + ":" + (namespace == null ? "default" : namespace) + "/" + draft.name);
      return draft;
    }

    private String runbookLink(JsonNode links, String path) {
      if (links == null || links.isNull()) {
        return null;
      }
      if (!links.isArray()) {
        throw error(path, "expected a list of {url, title}");
      }
      for (int i = 0; i < links.size(); i++) {
        JsonNode link = links.get(i);
        String title = link.path("title").asText("") + " " + link.path("type").asText("");
        if (title.toLowerCase(Locale.ROOT).contains("runbook")) {
          return requiredName(link.get("url"), path + "[" + i + "].url", "expected a URL");
        }
      }
      return null;
    }

    private String backstageName(List<String> systems, List<Draft> drafts) {
      if (nameOverride != null) {
        return nameOverride;
      }
      if (systems.size() == 1) {
        return systems.get(0);
      }
      if (systems.size() > 1) {
        throw error("", "several System entities " + systems + "; choose the topology name explicitly"
            + " (stormwatch topology load --name NAME)");
      }
      Set<String> shared = new TreeSet<>();
      drafts.forEach(d -> shared.add(d.system == null ? "" : d.system));
      if (shared.size() == 1 && !shared.contains("")) {
        return shared.iterator().next();
      }
      throw error("", "no topology name: add a kind: System entity, give every entity the same spec.system,"
          + " or choose one explicitly (stormwatch topology load --name NAME)");
    }

    /** Entity references (strings) to bare names. */
    private List<String> refs(JsonNode node, String path) {
      List<String> names = names(node, path, "expected a list of entity references");
      return names.stream().map(TopologyDocuments::bareName).toList();
    }

    // ---- shared ----

    private void checkUnique(List<Draft> drafts, String path) {
      Map<String, List<String>> seen = new LinkedHashMap<>();
      drafts.forEach(d -> seen.computeIfAbsent(d.name, n -> new ArrayList<>()).add(d.path));
      List<String> duplicates = new ArrayList<>();
      seen.forEach((name, paths) -> {
        if (paths.size() > 1) {
          duplicates.add("'" + name + "' at " + String.join(" and ", paths));
        }
      });
      if (!duplicates.isEmpty()) {
        throw error(path, "duplicate service name" + (duplicates.size() > 1 ? "s " : " ")
            + String.join("; ", duplicates));
      }
    }

    private TopologyDocument finish(String name, TopologyDocument.Format format, List<Draft> drafts) {
      Set<String> known = new LinkedHashSet<>();
      drafts.forEach(d -> known.add(d.name));
      List<ServiceNode> nodes = new ArrayList<>();
      for (Draft draft : drafts) {
        for (String dependency : draft.dependsOn) {
          if (!known.contains(dependency)) {
            warnings.add(draft.dependsOnPath + ": depends on '" + dependency + "', which is not a service of " + name
                + "; alerts on it correlate as an unknown service");
          }
        }
        nodes.add(ServiceNode.newBuilder()
            .setName(draft.name)
            .setKind(draft.kind)
            .setDependsOn(new ArrayList<>(draft.dependsOn))
            .setOwner(draft.owner)
            .setSystem(draft.system)
            .setTier(draft.tier)
            .setRunbook(draft.runbook)
            .setTopology(name)
            .setLabels(new TreeMap<>(draft.labels))
            .setUpdatedAt(updatedAt)
            .build());
      }
      return new TopologyDocument(name, format, nodes, warnings);
    }

    /** A list of non-blank names; missing or null is an empty list; repeats are dropped. */
    private List<String> names(JsonNode node, String path, String expectation) {
      if (node == null || node.isNull()) {
        return List.of();
      }
      if (!node.isArray()) {
        throw error(path, expectation);
      }
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; i < node.size(); i++) {
        String name = requiredName(node.get(i), path + "[" + i + "]", "expected a name");
        if (!names.add(name)) {
          warnings.add(path + "[" + i + "]: '" + name + "' is listed twice; counted once");
        }
      }
      return List.copyOf(names);
    }

    private String requiredName(JsonNode node, String path, String expectation) {
      String text = node == null || !(node.isTextual() || node.isNumber()) ? null : node.asText().strip();
      if (text == null || text.isEmpty()) {
        throw error(path, expectation + (node == null || node.isMissingNode() ? " (missing)" : ", got "
            + describe(node)));
      }
      return text;
    }

    private String optionalText(JsonNode node, String path) {
      if (node == null || node.isNull() || node.isMissingNode()) {
        return null;
      }
      if (!node.isValueNode()) {
        throw error(path, "expected a single value, got " + describe(node));
      }
      String text = node.asText().strip();
      return text.isEmpty() ? null : text;
    }

    private void putLabels(JsonNode object, Map<String, String> labels) {
      object.fields().forEachRemaining(field -> putLabel(field.getKey(), field.getValue(), labels));
    }

    private static void putLabel(String key, JsonNode value, Map<String, String> labels) {
      if (value == null || value.isNull()) {
        return;
      }
      labels.put(key, value.isValueNode() ? value.asText() : value.toString());
    }

    private static String describe(JsonNode node) {
      if (node == null || node.isMissingNode()) {
        return "nothing";
      }
      if (node.isNull()) {
        return "null";
      }
      if (node.isArray()) {
        return "a list";
      }
      if (node.isObject()) {
        return "a mapping";
      }
      if (node.isTextual()) {
        String text = node.asText();
        return text.isBlank() ? "a blank string" : "'" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "'";
      }
      return node.asText();
    }

    private TopologyDocumentException error(String path, String reason) {
      return new TopologyDocumentException(source, path, reason);
    }
  }

  /** A node being built. */
  private static final class Draft {
    final String path;
    final String dependsOnPath;
    final String name;
    ServiceKind kind = ServiceKind.OTHER;
    final Set<String> dependsOn = new LinkedHashSet<>();
    String owner;
    String system;
    String tier;
    String runbook;
    final Map<String, String> labels = new LinkedHashMap<>();

    Draft(String path, String dependsOnPath, String name) {
      this.path = path;
      this.dependsOnPath = dependsOnPath;
      this.name = name;
    }
  }
}
