package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.igstream.tf.SessionSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

  @TempDir Path dir;

  @Test
  void fileThenEnvironmentAndKafkaKeysPassThrough() throws IOException {
    Path file = dir.resolve("igstream.properties");
    Files.writeString(
        file,
        "igstream.batch.size=16\nigstream.model.root=/srv/models\nkafka.bootstrap.servers=broker:9092\n"
            + "kafka.security.protocol=SASL_SSL\nigstream.sampling.model.fraud=0.25\n");
    AppConfig config =
        AppConfig.load(
            file,
            Map.of(
                "IGSTREAM_BATCH_SIZE", "32",
                "IGSTREAM_KAFKA_SASL_JAAS_CONFIG", "x required;",
                "IGSTREAM_TOPICS_DEAD_LETTERS", "dlq",
                "PATH", "/usr/bin"));
    assertThat(config.stream().batchSize()).isEqualTo(32);
    assertThat(config.modelRoot()).isEqualTo(Path.of("/srv/models"));
    assertThat(config.stream().deadLetterTopic()).isEqualTo("dlq");
    assertThat(config.stream().samplingFor("fraud")).isEqualTo(0.25);
    assertThat(config.stream().samplingFor("other")).isEqualTo(1.0);
    assertThat(config.kafka())
        .containsEntry("bootstrap.servers", "broker:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", "x required;");
    // Exactly-once by default, with timeouts sized for slow models; users can still override.
    assertThat(StreamApp.properties(config).getProperty("processing.guarantee"))
        .isEqualTo("exactly_once_v2");
    assertThat(StreamApp.properties(config).getProperty("producer.transaction.timeout.ms"))
        .isEqualTo("120000");
  }

  @Test
  void liveViewSettingsHaveDefaultsAndOverrides() {
    AppConfig defaults = AppConfig.load(null, Map.of());
    assertThat(defaults.view().enabled()).isTrue();
    assertThat(defaults.view().recentEvents()).isEqualTo(200);
    assertThat(defaults.view().history()).isEqualTo(java.time.Duration.ofMinutes(15));
    AppConfig off =
        AppConfig.load(
            null,
            Map.of(
                "IGSTREAM_VIEW_ENABLED", "false",
                "IGSTREAM_VIEW_RECENT_EVENTS", "50",
                "IGSTREAM_VIEW_HISTORY_MS", "60000"));
    assertThat(off.view().enabled()).isFalse();
    assertThat(off.view().recentEvents()).isEqualTo(50);
    assertThat(off.view().history()).isEqualTo(java.time.Duration.ofMinutes(1));
    // A typo in the switch is an error, not a silently disabled view.
    assertThatThrownBy(() -> AppConfig.load(null, Map.of("IGSTREAM_VIEW_ENABLED", "ture")))
        .hasMessageContaining("igstream.view.enabled");
    assertThatThrownBy(() -> AppConfig.load(null, Map.of("IGSTREAM_VIEW_RECENT_EVENTS", "0")))
        .hasMessageContaining("igstream.view.recent-events");
  }

  @Test
  void badNumbersSayWhichKey() {
    assertThatThrownBy(() -> AppConfig.load(null, Map.of("IGSTREAM_BATCH_SIZE", "many")))
        .hasMessageContaining("igstream.batch.size");
  }

  @Test
  void shardsPerModelFromFileAndEnvironment() throws IOException {
    Path file = dir.resolve("igstream.properties");
    Files.writeString(file, "igstream.batch.shards.model.fraud=6\n");
    AppConfig config = AppConfig.load(file, Map.of("IGSTREAM_BATCH_SHARDS_MODEL_ranker", "3"));
    assertThat(config.stream().shardsFor("fraud")).isEqualTo(6);
    assertThat(config.stream().shardsFor("ranker")).isEqualTo(3);
    // One shard by default: a version's batches fill from all of its traffic.
    assertThat(config.stream().shardsFor("other")).isEqualTo(1);
    assertThatThrownBy(() -> AppConfig.load(null, Map.of("IGSTREAM_BATCH_SHARDS_MODEL_FRAUD", "0")))
        .hasMessageContaining("igstream.batch.shards.model.fraud");
  }

  @Test
  void tensorflowSessionSettingsComeFromFileAndEnvironment() throws IOException {
    Path file = dir.resolve("igstream.properties");
    Files.writeString(file, "igstream.tf.intra-op-threads=4\nigstream.tf.xla=true\n");
    AppConfig config =
        AppConfig.load(
            file,
            Map.of(
                "IGSTREAM_TF_GPU_VISIBLE_DEVICES", "1",
                "IGSTREAM_TF_GPU_ALLOW_GROWTH", "false",
                "IGSTREAM_TF_GPU_MEMORY_FRACTION", "0.5",
                "IGSTREAM_TF_INTER_OP_THREADS", "2",
                "IGSTREAM_TF_CALLER_THREAD_RUNS", "false"));
    assertThat(config.tensorflow())
        .isEqualTo(new SessionSettings("1", false, 0.5, true, 4, 2, false));
    assertThat(AppConfig.load(null, Map.of()).tensorflow()).isEqualTo(SessionSettings.defaults());
  }

  @Test
  void badTensorflowSettingsSayWhichKey() {
    assertThatThrownBy(() -> AppConfig.load(null, Map.of("IGSTREAM_TF_GPU_MEMORY_FRACTION", "2")))
        .hasMessageContaining("igstream.tf.gpu.memory-fraction");
    assertThatThrownBy(() -> AppConfig.load(null, Map.of("IGSTREAM_TF_XLA", "yes")))
        .hasMessageContaining("igstream.tf.xla must be true or false");
    assertThatThrownBy(() -> AppConfig.load(null, Map.of("IGSTREAM_TF_INTRA_OP_THREADS", "-1")))
        .hasMessageContaining("igstream.tf.intra-op-threads");
    assertThatThrownBy(() -> AppConfig.load(null, Map.of("IGSTREAM_TF_INTER_OP_THREADS", "two")))
        .hasMessageContaining("igstream.tf.inter-op-threads");
  }
}
