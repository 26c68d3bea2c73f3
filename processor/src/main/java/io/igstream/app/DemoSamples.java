package io.igstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's prediction events, per model: rows of the fixture data sets' held-out splits ({@code
 * fixtures/data/<model>.test.csv} by feature name, or {@code .test.jsonl} instances), or, for a
 * model without a data file, the sample events of its reference file. Models take turns, so each
 * gets the same share of the stream.
 */
final class DemoSamples {

  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, List<ObjectNode>> byModel = new LinkedHashMap<>();

  DemoSamples(Path fixtures, List<String> models) throws IOException {
    for (String model : models) {
      byModel.put(model, load(fixtures, model));
    }
  }

  private List<ObjectNode> load(Path fixtures, String model) throws IOException {
    Path csv = fixtures.resolve("data").resolve(model + ".test.csv");
    Path jsonl = fixtures.resolve("data").resolve(model + ".test.jsonl");
    List<ObjectNode> out = new ArrayList<>();
    if (Files.isRegularFile(csv)) {
      for (Map<String, String> row : Csv.read(csv).rows()) {
        ObjectNode features = json.createObjectNode();
        row.forEach(
            (name, value) -> {
              if (!name.equals("label")) {
                features.put(name, Double.parseDouble(value));
              }
            });
        ObjectNode event = json.createObjectNode().put("model", model).put("version", "1");
        event.set("features", features);
        out.add(event);
      }
    } else if (Files.isRegularFile(jsonl)) {
      for (String line : Files.readAllLines(jsonl)) {
        if (!line.isBlank()) {
          ObjectNode event = (ObjectNode) json.readTree(line);
          event.remove("label");
          event.put("model", model).put("version", "1");
          out.add(event);
        }
      }
    } else {
      Path reference = fixtures.resolve("references").resolve(model + ".json");
      if (!Files.isRegularFile(reference)) {
        throw new IllegalArgumentException(
            "no fixture zoo at " + fixtures + " (missing " + reference + "); pass --fixtures");
      }
      for (JsonNode event : json.readTree(reference.toFile()).get("events")) {
        ObjectNode copy = (ObjectNode) event.deepCopy();
        copy.remove("label");
        out.add(copy);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no demo events for model " + model);
    }
    return out;
  }

  /** Event n of the stream: models in turn, rows in order. */
  ObjectNode event(long n) {
    List<String> models = new ArrayList<>(byModel.keySet());
    String model = models.get((int) (n % models.size()));
    List<ObjectNode> rows = byModel.get(model);
    return rows.get((int) ((n / models.size()) % rows.size())).deepCopy();
  }
}
