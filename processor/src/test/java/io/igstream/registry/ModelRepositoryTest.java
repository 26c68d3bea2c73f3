package io.igstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.igstream.testing.ModelRoots;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk model repository: lazy loading, new versions, refusals, eviction, and path safety.
 */
class ModelRepositoryTest {

  private static final ModelLoader LOADER = new ModelLoader(new OpRegistry());

  @TempDir Path root;

  private void deploy(String fixture, String model, String version) {
    ModelRoots.deploy(root, fixture, model, version);
  }

  @Test
  void loadsVersionsLazilyAndPicksUpNewOnesWithoutRestart() throws IOException {
    deploy("linear", "lin", "1");
    try (ModelRepository repository = new ModelRepository(root, LOADER, 4)) {
      try (ModelRepository.Lease lease = repository.lease("lin", "1")) {
        assertThat(lease.explainer().model()).isEqualTo("lin");
      }
      assertThatThrownBy(() -> repository.lease("lin", "2"))
          .hasMessageContaining("no model version directory lin/2");
      deploy("linear", "lin", "2");
      try (ModelRepository.Lease lease = repository.lease("lin", "2")) {
        assertThat(lease.explainer().version()).isEqualTo("2");
      }
      assertThat(repository.versions("lin")).containsExactly("1", "2");
    }
  }

  @Test
  void aRefusedModelStaysRefusedUntilItsDirectoryChanges() throws IOException {
    deploy("digits_gru", "gru", "1");
    try (ModelRepository repository = new ModelRepository(root, LOADER, 4)) {
      assertThatThrownBy(() -> repository.lease("gru", "1"))
          .hasMessageContaining("While")
          .hasMessageContaining("retried when the directory changes");
      assertThatThrownBy(() -> repository.lease("gru", "1")).hasMessageContaining("While");
      // The owner re-exports with a gradient signature into the same version directory.
      deleteTree(root.resolve("gru/1"));
      deploy("digits_gru_gradsig", "gru", "1");
      try (ModelRepository.Lease lease = repository.lease("gru", "1")) {
        assertThat(lease.explainer().tfModel().route().externalName())
            .isEqualTo("gradient_signature");
      }
    }
  }

  @Test
  void namesFromEventsCannotLeaveTheRoot() throws IOException {
    deploy("linear", "lin", "1");
    Path outside = Files.createTempDirectory(root.getParent(), "outside");
    Files.createSymbolicLink(root.resolve("lin").resolve("9"), outside);
    try (ModelRepository repository = new ModelRepository(root, LOADER, 4)) {
      for (String[] attempt :
          new String[][] {
            {"..", "1"}, {"lin", ".."}, {"lin/../..", "1"}, {"", "1"}, {"lin", "1/../../x"}
          }) {
        assertThatThrownBy(() -> repository.lease(attempt[0], attempt[1]))
            .isInstanceOf(ModelRepository.UnavailableModelException.class);
      }
      assertThatThrownBy(() -> repository.lease("lin", "9"))
          .hasMessageContaining("outside the model root");
    }
  }

  @Test
  void evictsBeyondCapacityButNeverUnderAnOpenLease() throws IOException {
    deploy("linear", "a", "1");
    deploy("square", "b", "1");
    try (ModelRepository repository = new ModelRepository(root, LOADER, 1)) {
      ModelRepository.Lease held = repository.lease("a", "1");
      try (ModelRepository.Lease other = repository.lease("b", "1")) {
        assertThat(other.explainer().model()).isEqualTo("b");
      }
      // "a" was evicted from the cache, yet its lease still works until closed.
      assertThat(
              held.explainer()
                  .explain(
                      java.util.List.of(
                          new io.igstream.event.EventParser(
                                  new com.fasterxml.jackson.databind.ObjectMapper())
                              .parse(
                                  "{\"event_id\":\"e\",\"model\":\"a\",\"version\":\"1\",\"inputs\":{\"x\":[1,2,3]}}"))))
          .hasSize(1)
          .first()
          .isInstanceOf(io.igstream.event.Outcome.Explained.class);
      held.close();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
