package io.igstream.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds the committed fixture zoo and the shared third-party model from tests. */
public final class Fixtures {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** The repository's {@code fixtures/} folder. */
  public static Path root() {
    return Path.of(System.getProperty("igstream.fixtures", "../fixtures"))
        .toAbsolutePath()
        .normalize();
  }

  /** The repository root, against which reference files give model directories. */
  public static Path repositoryRoot() {
    return root().getParent();
  }

  /** Every reference file, sorted by name. */
  public static List<Path> referenceFiles() {
    try (Stream<Path> files = Files.list(root().resolve("references"))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The reference file of one fixture model. */
  public static JsonNode reference(String model) {
    return read(root().resolve("references").resolve(model + ".json"));
  }

  public static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * The model directory a reference names; skips the calling test, with a message, when it is the
   * shared third-party model and this clone has no {@code ../shared} beside it.
   */
  public static Path modelDirectory(JsonNode reference) {
    Path dir = repositoryRoot().resolve(reference.get("model_dir").asText()).normalize();
    assumeTrue(
        Files.isDirectory(dir),
        () ->
            "skipped: "
                + dir
                + " is not here (the third-party model lives in ../shared, which only the"
                + " project's own machines have)");
    return dir;
  }

  /** The third-party FashionMNIST model, skipping the test when this clone has no ../shared. */
  public static Path fashionMnist() {
    Path dir =
        Path.of(System.getProperty("igstream.shared", "../../shared"))
            .resolve("models/fashion-mnist-keras2")
            .toAbsolutePath()
            .normalize();
    assumeTrue(
        Files.isDirectory(dir),
        () -> "skipped: the third-party FashionMNIST model is not at " + dir + " in this clone");
    return dir;
  }
}
