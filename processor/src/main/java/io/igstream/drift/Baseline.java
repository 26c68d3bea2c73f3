package io.igstream.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The skew reference of one model version: the statistics of a training sample explained by the
 * same IG engine and configuration, with the bins frozen from it. The {@code state} field is the
 * authoritative, mergeable form; the readable fields beside it are for people and dashboards.
 */
public record Baseline(
    String model,
    String version,
    String createdAt,
    String source,
    String explainerHash,
    JsonNode explainer,
    WindowState state) {

  public static final String FORMAT = "igstream-baseline/1";

  /** The file the stream looks for next to a SavedModel (or in the model's folder for all). */
  public static final String FILE_NAME = "igstream-baseline.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Identifies the frozen bins: windows counted on them merge only with each other. */
  public String id() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(state.toBytes());
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bins windows count on when this baseline is the reference. */
  public SummaryLayout layout() {
    Map<String, FeatureBins> values = new HashMap<>();
    Map<String, FeatureBins> attributions = new HashMap<>();
    state
        .features()
        .forEach(
            (name, f) -> {
              if (f.value().bins() != null) {
                values.put(name, f.value().bins());
              }
              if (f.attribution().bins() != null) {
                attributions.put(name, f.attribution().bins());
              }
            });
    return new SummaryLayout(id(), values, attributions, state.prediction().bins());
  }

  /** The artifact as written to disk. */
  public ObjectNode toJson() {
    ObjectNode out = JSON.createObjectNode();
    out.put("format", FORMAT);
    out.put("model", model);
    out.put("version", version);
    out.put("created_at", createdAt);
    out.put("source", source);
    out.put("sample_size", state.events());
    out.put("baseline_id", id());
    ObjectNode explainerNode = out.putObject("explainer");
    explainerNode.put("hash", explainerHash);
    explainerNode.set("config", explainer);
    ObjectNode features = out.putObject("features");
    Map<String, Double> shares = state.shares();
    Map<String, Integer> ranks = WindowSummarizer.ranks(state.importance());
    state
        .features()
        .forEach(
            (name, f) -> {
              ObjectNode node = features.putObject(name);
              boolean categorical = f.value().bins() != null && f.value().bins().categorical();
              node.put("kind", categorical ? "categorical" : "numeric");
              node.set("value", describe(f.value()));
              ObjectNode a = describe(f.attribution());
              a.setAll(WindowSummarizer.attributionStats(f.attribution()));
              a.put("share", shares.get(name));
              a.put("rank", ranks.get(name));
              node.set("attribution", a);
            });
    ObjectNode prediction = describe(state.prediction());
    prediction.put("kind", state.predictsClasses() ? "class" : "numeric");
    out.set("prediction", prediction);
    out.set("approximation_error", describe(state.approximationError()));
    out.put("state", Base64.getEncoder().encodeToString(state.toBytes()));
    return FiniteJson.sanitise(out);
  }

  private static ObjectNode describe(FeatureSketch s) {
    ObjectNode node = WindowSummarizer.valueStats(s);
    FeatureBins bins = s.bins();
    if (bins != null) {
      ObjectNode b = node.putObject("bins");
      var labels = b.putArray("labels");
      long[] counts = s.counts();
      var countNode = b.putArray("counts");
      for (int i = 0; i < bins.size(); i++) {
        labels.add(bins.label(i));
        countNode.add(counts[i]);
      }
      var masses = b.putArray("point_masses");
      for (double m : bins.pointMasses()) {
        masses.add(m);
      }
      var edges = b.putArray("edges");
      for (double e : bins.edges()) {
        edges.add(e);
      }
    }
    return node;
  }

  public void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), toJson());
    // Readers (the stream) never see a half-written baseline.
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads an artifact; any problem is an IllegalArgumentException naming the file. */
  public static Baseline read(Path file) {
    try {
      JsonNode node = JSON.readTree(file.toFile());
      if (node == null || !FORMAT.equals(node.path("format").asText())) {
        throw new IllegalArgumentException(
            "not an igstream baseline (format "
                + node.path("format")
                + ", expected "
                + FORMAT
                + ")");
      }
      WindowState state =
          WindowState.fromBytes(Base64.getDecoder().decode(node.get("state").asText()));
      return new Baseline(
          node.path("model").asText(),
          node.path("version").asText(),
          node.path("created_at").asText(),
          node.path("source").asText(),
          node.path("explainer").path("hash").asText(),
          node.path("explainer").path("config"),
          state);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read baseline "
              + file
              + ": "
              + e.getMessage()
              + " (recreate it with `igstream baseline`)",
          e);
    }
  }
}
