package io.igstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks deployment files against the code's own facts: configuration keys and their environment
 * variables ({@link AppConfig}), the paths {@link HttpEndpoint} serves, the image names the
 * Dockerfiles document. Each check returns the problems it found, in words a person can act on.
 */
final class DeployChecks {

  static final ObjectMapper YAML = new YAMLMapper();

  private static final Pattern IMAGE_LINE = Pattern.compile("(?m)^# Image: (\\S+)");
  private static final Pattern BUILD_LINE =
      Pattern.compile("(?m)^#\\s+docker build -f (\\S+) -t (\\S+) \\.");
  private static final String PROPERTIES = "igstream.properties";

  /** A parsed YAML document and the file it came from. */
  record Doc(String file, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }
  }

  private final String cpuImage;
  private final String gpuImage;

  /** Reads the image names from the Dockerfiles' header comments. */
  DeployChecks(Path deploy, List<String> problems) {
    this.cpuImage = imageOf(deploy.resolve("Dockerfile"), "deploy/Dockerfile", problems);
    this.gpuImage = imageOf(deploy.resolve("Dockerfile.gpu"), "deploy/Dockerfile.gpu", problems);
  }

  String cpuImage() {
    return cpuImage;
  }

  String gpuImage() {
    return gpuImage;
  }

  /** Every document of a multi-document YAML file. */
  static List<Doc> read(Path file) {
    List<Doc> docs = new ArrayList<>();
    try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      while (values.hasNext()) {
        JsonNode node = values.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          docs.add(new Doc(file.getFileName().toString(), node));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
    return docs;
  }

  private static String imageOf(Path dockerfile, String name, List<String> problems) {
    String text;
    try {
      text = Files.readString(dockerfile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher image = IMAGE_LINE.matcher(text);
    Matcher build = BUILD_LINE.matcher(text);
    if (!image.find() || !build.find()) {
      problems.add(name + ": the header must name its image ('# Image: NAME') and its build line");
      return null;
    }
    if (!build.group(1).equals(name) || !build.group(2).equals(image.group(1))) {
      problems.add(
          name
              + ": the build line builds "
              + build.group(1)
              + " as "
              + build.group(2)
              + " but the header names image "
              + image.group(1));
    }
    return image.group(1);
  }

  /** Checks Kubernetes manifests together: autoscalers refer to objects in other files. */
  List<String> kubernetes(List<Doc> docs) {
    List<String> problems = new ArrayList<>();
    List<AppConfig> configs = new ArrayList<>();
    for (Doc doc : docs) {
      if (doc.kind().equals("Deployment")) {
        AppConfig config = deployment(doc, docs, problems);
        if (config != null) {
          configs.add(config);
        }
      }
    }
    if (configs.isEmpty()) {
      problems.add("no Deployment with a usable igstream configuration");
    }
    for (Doc doc : docs) {
      switch (doc.kind()) {
        case "PodDisruptionBudget" -> disruptionBudget(doc, docs, problems);
        case "Service" -> service(doc, docs, configs, problems);
        case "ScaledObject" -> scaledObject(doc, docs, configs, problems);
        case "HorizontalPodAutoscaler" -> autoscaler(doc, docs, configs, problems);
        default -> {}
      }
    }
    return problems;
  }

  /** Checks a Deployment and returns the configuration its container would run with. */
  private AppConfig deployment(Doc doc, List<Doc> docs, List<String> problems) {
    String where = doc.file() + " Deployment " + doc.name();
    JsonNode pod = doc.node().path("spec").path("template");
    JsonNode container = pod.path("spec").path("containers").path(0);
    if (!contains(
        pod.path("metadata").path("labels"), doc.node().at("/spec/selector/matchLabels"))) {
      problems.add(where + ": its selector does not match its pod labels");
    }
    if (pod.path("spec").path("terminationGracePeriodSeconds").asInt() < 30) {
      problems.add(
          where + ": terminationGracePeriodSeconds must be at least 30 (a clean shutdown's time)");
    }
    Properties properties = configMapProperties(doc, docs, container, problems);
    Map<String, String> environment = environment(where, container, problems);
    if (properties == null) {
      return null;
    }
    AppConfig config = effectiveConfig(where, properties, environment, problems);
    if (config == null) {
      return null;
    }
    JsonNode ports = container.path("ports");
    JsonNode http = null;
    for (JsonNode port : ports) {
      if (port.path("name").asText().equals("http")) {
        http = port;
      }
    }
    if (http == null || http.path("containerPort").asInt() != config.httpPort()) {
      problems.add(
          where
              + ": the container port named http must be igstream.http.port ("
              + config.httpPort()
              + ")");
    }
    probe(where, container, "readinessProbe", HttpEndpoint.Route.READY, config, problems);
    probe(where, container, "livenessProbe", HttpEndpoint.Route.LIVE, config, problems);
    boolean gpu = !container.at("/resources/limits/nvidia.com~1gpu").isMissingNode();
    if (doc.file().contains("gpu") && !gpu) {
      problems.add(where + ": the GPU variant must request nvidia.com/gpu in its limits");
    }
    String expectedImage = gpu ? gpuImage : cpuImage;
    if (!container.path("image").asText().equals(expectedImage)) {
      problems.add(
          where
              + ": image "
              + container.path("image").asText()
              + " is not "
              + expectedImage
              + ", the name "
              + (gpu ? "deploy/Dockerfile.gpu" : "deploy/Dockerfile")
              + " documents");
    }
    modelVolume(where, doc, docs, container, config, problems);
    return config;
  }

  private static Properties configMapProperties(
      Doc doc, List<Doc> docs, JsonNode container, List<String> problems) {
    String where = doc.file() + " Deployment " + doc.name();
    JsonNode podSpec = doc.node().at("/spec/template/spec");
    String configArg = null;
    JsonNode args = container.path("args");
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).asText().equals("--config")) {
        configArg = args.get(i + 1).asText();
      }
    }
    for (JsonNode volume : podSpec.path("volumes")) {
      String mapName = volume.path("configMap").path("name").asText(null);
      if (mapName == null) {
        continue;
      }
      String mountPath = mountPath(container, volume.path("name").asText());
      if (configArg == null || !configArg.equals(mountPath + "/" + PROPERTIES)) {
        problems.add(where + ": --config must name " + PROPERTIES + " in the mounted ConfigMap");
      }
      for (Doc other : docs) {
        if (other.file().equals(doc.file())
            && other.kind().equals("ConfigMap")
            && other.name().equals(mapName)) {
          return properties(other, problems);
        }
      }
      problems.add(where + ": ConfigMap " + mapName + " is not in " + doc.file());
      return null;
    }
    problems.add(where + ": no ConfigMap volume with the settings");
    return null;
  }

  private static Properties properties(Doc configMap, List<String> problems) {
    String where = configMap.file() + " ConfigMap " + configMap.name();
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(configMap.node().path("data").path(PROPERTIES).asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String key : properties.stringPropertyNames()) {
      if (!AppConfig.DEFAULTS.containsKey(key)
          && !key.startsWith("kafka.")
          && !key.startsWith("igstream.sampling.model.")) {
        problems.add(where + ": unknown key " + key + " (see deploy/igstream.properties)");
      }
    }
    for (String required : List.of("kafka.application.id", "kafka.num.standby.replicas")) {
      if (properties.getProperty(required) == null) {
        problems.add(where + ": set " + required + " explicitly");
      }
    }
    return properties;
  }

  /** The container's literal IGSTREAM_* variables; each must set a real key. */
  private static Map<String, String> environment(
      String where, JsonNode container, List<String> problems) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (JsonNode variable : container.path("env")) {
      String name = variable.path("name").asText();
      if (!name.startsWith("IGSTREAM_")) {
        continue;
      }
      problems.addAll(variableProblems(where, name));
      if (variable.has("value")) {
        environment.put(name, variable.path("value").asText());
      }
    }
    return environment;
  }

  static List<String> variableProblems(String where, String name) {
    return AppConfig.keyOf(name, AppConfig.DEFAULTS) == null
        ? List.of(where + ": " + name + " sets no configuration key (misspelt?)")
        : List.of();
  }

  private static AppConfig effectiveConfig(
      String where, Properties properties, Map<String, String> environment, List<String> problems) {
    try {
      Path file = Files.createTempFile("igstream-manifest", ".properties");
      try {
        try (var out = Files.newBufferedWriter(file)) {
          properties.store(out, null);
        }
        return AppConfig.load(file, environment);
      } finally {
        Files.delete(file);
      }
    } catch (IllegalArgumentException e) {
      problems.add(where + ": invalid settings: " + e.getMessage());
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void probe(
      String where,
      JsonNode container,
      String probe,
      HttpEndpoint.Route route,
      AppConfig config,
      List<String> problems) {
    JsonNode get = container.path(probe).path("httpGet");
    if (!get.path("path").asText().equals(route.path)) {
      problems.add(
          where
              + ": "
              + probe
              + " must get "
              + route.path
              + ", got '"
              + get.path("path").asText()
              + "'");
    }
    if (!portMatches(get.path("port"), container, config.httpPort())) {
      problems.add(where + ": " + probe + " must use the http port " + config.httpPort());
    }
  }

  private static boolean portMatches(JsonNode port, JsonNode container, int httpPort) {
    if (port.isInt()) {
      return port.asInt() == httpPort;
    }
    for (JsonNode declared : container.path("ports")) {
      if (declared.path("name").asText().equals(port.asText())) {
        return declared.path("containerPort").asInt() == httpPort;
      }
    }
    return false;
  }

  private static void modelVolume(
      String where,
      Doc doc,
      List<Doc> docs,
      JsonNode container,
      AppConfig config,
      List<String> problems) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (!mount.path("mountPath").asText().equals(config.modelRoot().toString())) {
        continue;
      }
      if (!mount.path("readOnly").asBoolean()) {
        problems.add(where + ": mount the model root read-only");
      }
      for (JsonNode volume : doc.node().at("/spec/template/spec/volumes")) {
        if (volume.path("name").asText().equals(mount.path("name").asText())) {
          String claim = volume.path("persistentVolumeClaim").path("claimName").asText();
          boolean exists =
              docs.stream()
                  .anyMatch(
                      d -> d.kind().equals("PersistentVolumeClaim") && d.name().equals(claim));
          if (!exists) {
            problems.add(where + ": no PersistentVolumeClaim " + claim + " in the manifests");
          }
        }
      }
      return;
    }
    problems.add(where + ": nothing is mounted at igstream.model.root " + config.modelRoot());
  }

  private static void disruptionBudget(Doc doc, List<Doc> docs, List<String> problems) {
    String where = doc.file() + " PodDisruptionBudget " + doc.name();
    if (doc.node().at("/spec/maxUnavailable").asInt() != 1) {
      problems.add(where + ": maxUnavailable must be 1");
    }
    if (!selectsADeployment(doc, doc.node().at("/spec/selector/matchLabels"), docs)) {
      problems.add(where + ": its selector matches no Deployment's pods in " + doc.file());
    }
  }

  private static void service(
      Doc doc, List<Doc> docs, List<AppConfig> configs, List<String> problems) {
    String where = doc.file() + " Service " + doc.name();
    if (!selectsADeployment(doc, doc.node().at("/spec/selector"), docs)) {
      problems.add(where + ": its selector matches no Deployment's pods in " + doc.file());
    }
    JsonNode annotations = doc.node().at("/metadata/annotations");
    String path = annotations.path("prometheus.io/path").asText();
    if (!path.equals(HttpEndpoint.Route.METRICS.path)) {
      problems.add(where + ": prometheus.io/path must be " + HttpEndpoint.Route.METRICS.path);
    }
    for (AppConfig config : configs) {
      if (annotations.path("prometheus.io/port").asInt() != config.httpPort()) {
        problems.add(where + ": prometheus.io/port must be igstream.http.port");
      }
    }
  }

  private static boolean selectsADeployment(Doc doc, JsonNode selector, List<Doc> docs) {
    return selector.size() > 0
        && docs.stream()
            .anyMatch(
                d ->
                    d.file().equals(doc.file())
                        && d.kind().equals("Deployment")
                        && contains(d.node().at("/spec/template/metadata/labels"), selector));
  }

  private static void scaledObject(
      Doc doc, List<Doc> docs, List<AppConfig> configs, List<String> problems) {
    String where = doc.file() + " ScaledObject " + doc.name();
    target(where, doc.node().at("/spec/scaleTargetRef/name").asText(), docs, problems);
    int max = doc.node().at("/spec/maxReplicaCount").asInt();
    boolean kafka = false;
    java.util.Set<String> watched = new java.util.HashSet<>();
    for (JsonNode trigger : doc.node().at("/spec/triggers")) {
      if (!trigger.path("type").asText().equals("kafka")) {
        continue;
      }
      kafka = true;
      String topic = trigger.at("/metadata/topic").asText();
      watched.add(topic);
      for (AppConfig config : configs) {
        String group = config.kafka().get("application.id");
        if (!trigger.at("/metadata/consumerGroup").asText().equals(group)) {
          problems.add(where + ": consumerGroup must be kafka.application.id (" + group + ")");
        }
        List<String> topics = List.of(config.stream().inputTopic(), config.stream().batchTopic());
        if (!topics.contains(topic)) {
          problems.add(
              where + ": topic must be igstream.topics.input or igstream.topics.batches " + topics);
        }
      }
      if (trigger.at("/metadata/lagThreshold").asInt() <= 0) {
        problems.add(where + ": set a positive lagThreshold");
      }
    }
    // The explaining happens on the batches topic: lag there is the backlog of IG work, while the
    // input topic's lag only covers validation and keying.
    for (AppConfig config : configs) {
      if (kafka && !watched.contains(config.stream().batchTopic())) {
        problems.add(
            where
                + ": no trigger on igstream.topics.batches ("
                + config.stream().batchTopic()
                + "), where the IG backlog waits");
      }
    }
    if (!kafka) {
      problems.add(where + ": no kafka trigger");
    }
    maxReplicas(where, max, configs, problems);
  }

  private static void autoscaler(
      Doc doc, List<Doc> docs, List<AppConfig> configs, List<String> problems) {
    String where = doc.file() + " HorizontalPodAutoscaler " + doc.name();
    target(where, doc.node().at("/spec/scaleTargetRef/name").asText(), docs, problems);
    maxReplicas(where, doc.node().at("/spec/maxReplicas").asInt(), configs, problems);
  }

  private static void target(String where, String name, List<Doc> docs, List<String> problems) {
    if (docs.stream().noneMatch(d -> d.kind().equals("Deployment") && d.name().equals(name))) {
      problems.add(where + ": scales " + name + ", which is no Deployment in the manifests");
    }
  }

  private static void maxReplicas(
      String where, int max, List<AppConfig> configs, List<String> problems) {
    for (AppConfig config : configs) {
      if (max < 1 || max > config.topicPartitions()) {
        problems.add(
            where
                + ": at most igstream.topics.partitions ("
                + config.topicPartitions()
                + ") replicas get work, but it scales to "
                + max);
      }
    }
  }

  /** Checks the compose file's igstream services against the image they run. */
  List<String> compose(Path composeFile, Path bakedProperties) {
    List<String> problems = new ArrayList<>();
    JsonNode services = read(composeFile).get(0).node().path("services");
    int igstreamServices = 0;
    for (var service : (Iterable<Map.Entry<String, JsonNode>>) services::fields) {
      JsonNode spec = service.getValue();
      String where = "compose.yaml service " + service.getKey();
      String image = spec.path("image").asText();
      String dockerfile = spec.at("/build/dockerfile").asText(null);
      if (dockerfile == null) {
        continue;
      }
      igstreamServices++;
      String documented = dockerfile.endsWith(".gpu") ? gpuImage : cpuImage;
      if (!image.equals(documented)) {
        problems.add(where + ": builds " + dockerfile + " as " + image + ", not " + documented);
      }
      Map<String, String> environment = new LinkedHashMap<>();
      spec.path("environment")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().startsWith("IGSTREAM_")) {
                  problems.addAll(variableProblems(where, e.getKey()));
                  environment.put(e.getKey(), e.getValue().asText());
                }
              });
      AppConfig config;
      try {
        config = AppConfig.load(bakedProperties, environment);
      } catch (IllegalArgumentException e) {
        problems.add(where + ": invalid settings: " + e.getMessage());
        continue;
      }
      boolean published = false;
      for (JsonNode port : spec.path("ports")) {
        String[] parts = port.asText().split(":");
        published |= Integer.parseInt(parts[parts.length - 1]) == config.httpPort();
      }
      if (!published) {
        problems.add(where + ": publishes no port mapping to igstream.http.port");
      }
      boolean gpu = spec.at("/deploy/resources/reservations/devices").toString().contains("gpu");
      if (image.equals(gpuImage) != gpu) {
        problems.add(where + ": the GPU image, and only it, must reserve a GPU device");
      }
    }
    if (igstreamServices == 0) {
      problems.add("compose.yaml: no service builds an igstream image");
    }
    return problems;
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("name").asText().equals(volume)) {
        return mount.path("mountPath").asText();
      }
    }
    return null;
  }

  /** Whether every entry of {@code part} is in {@code whole}. */
  private static boolean contains(JsonNode whole, JsonNode part) {
    if (part.isMissingNode() || part.size() == 0) {
      return false;
    }
    for (var entry : (Iterable<Map.Entry<String, JsonNode>>) part::fields) {
      if (!entry.getValue().equals(whole.path(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
