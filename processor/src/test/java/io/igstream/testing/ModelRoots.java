package io.igstream.testing;

import io.igstream.registry.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Builds model repositories ({@code <root>/<model>/<version>/}) from fixture models for tests. */
public final class ModelRoots {

  private ModelRoots() {}

  /** Copies fixture {@code fixture} (version 1) to {@code root/model/version}, with its config. */
  public static void deploy(Path root, String fixture, String model, String version) {
    deploy(root, fixture, "1", model, version);
  }

  /** Copies version {@code fixtureVersion} of a fixture to {@code root/model/version}. */
  public static void deploy(
      Path root, String fixture, String fixtureVersion, String model, String version) {
    Path source = Fixtures.root().resolve("models").resolve(fixture);
    try {
      copyTree(source.resolve(fixtureVersion), root.resolve(model).resolve(version));
      Path config = source.resolve(ModelConfig.FILE_NAME);
      if (Files.exists(config)) {
        Files.copy(
            config,
            root.resolve(model).resolve(ModelConfig.FILE_NAME),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
