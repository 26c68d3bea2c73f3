package io.igstream.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.testing.Schemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example in schemas/examples is valid against its schema, and broken documents are not. */
class SchemaExamplesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Path> examples() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(Schemas.root().resolve("examples"))) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleIsValidAgainstItsSchema(Path example) throws IOException {
    String name = example.getFileName().toString();
    Schemas.assertValid(schemaOf(name), JSON.readTree(example.toFile()));
  }

  /** The schema an example file name belongs to: examples are named after their schema. */
  static String schemaOf(String example) {
    for (String schema : SCHEMAS) {
      if (example.startsWith(schema.replace(".schema.json", ""))) {
        return schema;
      }
    }
    throw new AssertionError("example " + example + " names no schema of " + SCHEMAS);
  }

  private static final List<String> SCHEMAS =
      List.of(
          "prediction-event.schema.json",
          "attribution-record.schema.json",
          "dead-letter-record.schema.json",
          "error-record.schema.json",
          "model-config.schema.json",
          "summary-record.schema.json",
          "alert-record.schema.json",
          "baseline.schema.json");

  @Test
  void everySchemaHasAtLeastOneExample() throws IOException {
    List<String> names = examples().map(p -> p.getFileName().toString()).toList();
    assertThat(names).anyMatch(n -> n.startsWith("prediction-event"));
    assertThat(names).anyMatch(n -> n.startsWith("attribution-record"));
    assertThat(names).anyMatch(n -> n.startsWith("error-record"));
    for (String schema : SCHEMAS) {
      assertThat(names).as(schema).anyMatch(n -> schemaOf(n).equals(schema));
    }
    // Every schema file is in the list, so none goes without an example.
    List<String> files;
    try (Stream<Path> list = Files.list(Schemas.root())) {
      files =
          list.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".schema.json"))
              .toList();
    }
    assertThat(files).containsExactlyInAnyOrderElementsOf(SCHEMAS);
  }

  @Test
  void everyFixtureModelConfigIsValidAndReadable() throws IOException {
    List<Path> configs;
    try (Stream<Path> files = Files.list(io.igstream.testing.Fixtures.root().resolve("models"))) {
      configs =
          files
              .map(dir -> dir.resolve(io.igstream.registry.ModelConfig.FILE_NAME))
              .filter(Files::exists)
              .toList();
    }
    assertThat(configs).hasSizeGreaterThanOrEqualTo(10);
    for (Path config : configs) {
      Schemas.assertValid("model-config.schema.json", JSON.readTree(config.toFile()));
      assertThat(io.igstream.registry.ModelConfig.read(config)).isNotNull();
    }
    io.igstream.registry.ModelConfig.read(Schemas.root().resolve("examples/model-config.json"));
  }

  @Test
  void schemasRejectBrokenEvents() throws IOException {
    ObjectNode valid =
        (ObjectNode)
            JSON.readTree(Schemas.root().resolve("examples/prediction-event-tokens.json").toFile());
    ObjectNode escaping = valid.deepCopy().put("model", "../../etc");
    ObjectNode noId = valid.deepCopy();
    noId.remove("event_id");
    ObjectNode both = valid.deepCopy();
    both.putObject("features").put("a", 1);
    for (JsonNode broken : List.of(escaping, noId, both)) {
      assertThat(Schemas.violations("prediction-event.schema.json", broken))
          .as(broken.toString())
          .isNotEmpty();
    }
  }

  @Test
  void parserAgreesWithTheSchemaOnTheExamples() throws IOException {
    EventParser parser = new EventParser(JSON);
    for (String example :
        List.of("prediction-event-features.json", "prediction-event-tokens.json")) {
      PredictionEvent event =
          parser.parse(Files.readString(Schemas.root().resolve("examples").resolve(example)));
      assertThat(event.eventId()).isNotBlank();
    }
  }
}
