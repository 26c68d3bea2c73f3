package io.igstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.registry.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads a model's config and applies command-line overrides on top of it. */
final class ConfigOverrides {

  private ConfigOverrides() {}

  /**
   * The config in {@code explicit}, else {@code igstream-model.json} in the model directory or its
   * parent (the model repository layout), else defaults.
   */
  static ModelConfig locate(Path modelDir, Path explicit) {
    if (explicit != null) {
      return ModelConfig.read(explicit);
    }
    for (Path candidate :
        new Path[] {
          modelDir.resolve(ModelConfig.FILE_NAME),
          modelDir.toAbsolutePath().getParent().resolve(ModelConfig.FILE_NAME)
        }) {
      if (Files.isRegularFile(candidate)) {
        return ModelConfig.read(candidate);
      }
    }
    return ModelConfig.defaults();
  }

  /** A copy of the config with the non-null overrides set. */
  static ModelConfig apply(ModelConfig config, Map<String, Object> overrides) {
    ObjectMapper mapper = ModelConfig.mapper();
    ObjectNode node = mapper.valueToTree(config);
    overrides.forEach(
        (field, value) -> {
          if (value != null) {
            node.set(field, mapper.valueToTree(value));
          }
        });
    return mapper.convertValue(node, ModelConfig.class);
  }
}
