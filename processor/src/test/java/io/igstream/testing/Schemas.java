package io.igstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Validates JSON against the committed schemas in {@code schemas/}. */
public final class Schemas {

  private Schemas() {}

  public static Path root() {
    return Path.of(System.getProperty("igstream.schemas", "../schemas"))
        .toAbsolutePath()
        .normalize();
  }

  public static JsonSchema load(String name) {
    try (InputStream in = Files.newInputStream(root().resolve(name))) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that the document is valid, listing every violation otherwise. */
  public static void assertValid(String schema, JsonNode document) {
    Set<ValidationMessage> errors = load(schema).validate(document);
    assertThat(errors)
        .as("%s violations of %s in %s", errors.size(), schema, abbreviated(document))
        .isEmpty();
  }

  /** The violations, for tests that expect some. */
  public static Set<ValidationMessage> violations(String schema, JsonNode document) {
    return load(schema).validate(document);
  }

  private static String abbreviated(JsonNode document) {
    String text = document.toString();
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
