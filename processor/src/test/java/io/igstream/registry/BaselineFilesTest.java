package io.igstream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.igstream.drift.Baseline;
import io.igstream.drift.BaselineBuilder;
import io.igstream.drift.DriftPolicy;
import io.igstream.drift.Observation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Baselines found per version, then per model; replaced files picked up; paths kept inside. */
class BaselineFilesTest {

  @TempDir Path root;
  @TempDir Path outside;

  private static Baseline baseline(String version, int events) {
    BaselineBuilder builder = new BaselineBuilder();
    for (int i = 0; i < events; i++) {
      builder.add(
          new Observation(Map.of("x", (double) i), Map.of("x", 0.5 * i), null, i, 1e-3, "h"));
    }
    return new Baseline("m", version, "2026-01-01T00:00:00Z", "test", "h", null, builder.build());
  }

  @Test
  void versionFirstThenModelAndANewFileIsPickedUp() throws Exception {
    Files.createDirectories(root.resolve("m/1"));
    Files.createDirectories(root.resolve("m/2"));
    baseline("1", 10).write(root.resolve("m").resolve(Baseline.FILE_NAME));
    BaselineFiles files = new BaselineFiles(root, DriftPolicy.defaults());

    assertThat(files.baseline("m", "2"))
        .get()
        .satisfies(f -> assertThat(f.scope()).isEqualTo("model"));
    Path own = root.resolve("m/2").resolve(Baseline.FILE_NAME);
    baseline("2", 30).write(own);
    assertThat(files.baseline("m", "2").orElseThrow().baseline().state().events()).isEqualTo(30);
    assertThat(files.baseline("m", "2").orElseThrow().scope()).isEqualTo("version");

    // Replaced in place (a new training sample): the next lookup sees it, no restart.
    baseline("2", 50).write(own);
    Files.setLastModifiedTime(own, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(files.baseline("m", "2").orElseThrow().baseline().state().events()).isEqualTo(50);
    assertThat(files.baseline("m", "1").orElseThrow().scope()).isEqualTo("model");
  }

  @Test
  void badNamesCorruptFilesAndLinksOutsideTheRootFindNothing() throws Exception {
    Files.createDirectories(root.resolve("m/1"));
    BaselineFiles files = new BaselineFiles(root, DriftPolicy.defaults());
    assertThat(files.baseline("../etc", "1")).isEmpty();
    assertThat(files.baseline("m", "..")).isEmpty();

    Files.writeString(root.resolve("m/1").resolve(Baseline.FILE_NAME), "{\"format\": \"nope\"}");
    assertThat(files.baseline("m", "1")).isEmpty();

    Path elsewhere = outside.resolve(Baseline.FILE_NAME);
    baseline("1", 10).write(elsewhere);
    Files.delete(root.resolve("m/1").resolve(Baseline.FILE_NAME));
    Files.createSymbolicLink(root.resolve("m/1").resolve(Baseline.FILE_NAME), elsewhere);
    assertThat(files.baseline("m", "1")).isEmpty();
  }

  @Test
  void aModelsDriftSectionOverridesTheDefaults() throws Exception {
    Files.createDirectories(root.resolve("m"));
    Files.writeString(
        root.resolve("m").resolve(ModelConfig.FILE_NAME),
        "{\"drift\": {\"min_events\": 500, \"thresholds\": {\"feature_value\":"
            + " {\"jensen_shannon\": {\"alert\": 0.2}}}, \"consecutive_windows\": {\"drift\": 3}}}");
    DriftPolicy policy =
        new BaselineFiles(root, DriftPolicy.defaults().withMinEvents(60)).policy("m");
    assertThat(policy.minEvents()).isEqualTo(500);
    assertThat(policy.band("feature_value", "jensen_shannon").alert()).isEqualTo(0.2);
    assertThat(policy.band("feature_value", "jensen_shannon").warn()).isEqualTo(0.1);
    assertThat(policy.driftWindows()).isEqualTo(3);
    assertThat(policy.skewWindows()).isEqualTo(1);
    // A model without a config gets the process-wide defaults.
    assertThat(
            new BaselineFiles(root, DriftPolicy.defaults().withMinEvents(60))
                .policy("other")
                .minEvents())
        .isEqualTo(60);
  }
}
