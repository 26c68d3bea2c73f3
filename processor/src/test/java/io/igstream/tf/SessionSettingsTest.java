package io.igstream.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.OptimizerOptions.GlobalJitLevel;
import org.tensorflow.proto.RunOptions;

/** The session configuration TensorFlow receives, read back field by field from the proto. */
class SessionSettingsTest {

  @Test
  void everySettingReachesItsProtoField() throws Exception {
    ConfigProto proto = new SessionSettings("0, 2", false, 0.4, true, 3, 2).configProto();
    // Through the wire format, as TensorFlow's C++ side reads it.
    ConfigProto parsed = ConfigProto.parseFrom(proto.toByteArray());
    assertThat(parsed.getGpuOptions().getVisibleDeviceList()).isEqualTo("0,2");
    assertThat(parsed.getGpuOptions().getAllowGrowth()).isFalse();
    assertThat(parsed.getGpuOptions().getPerProcessGpuMemoryFraction()).isEqualTo(0.4);
    assertThat(parsed.getGraphOptions().getOptimizerOptions().getGlobalJitLevel())
        .isEqualTo(GlobalJitLevel.ON_1);
    assertThat(parsed.getIntraOpParallelismThreads()).isEqualTo(3);
    assertThat(parsed.getInterOpParallelismThreads()).isEqualTo(2);
    assertThat(parsed.getAllowSoftPlacement()).isTrue();
  }

  @Test
  void defaultsLeaveTensorFlowToChooseAndGrowGpuMemory() {
    ConfigProto proto = SessionSettings.defaults().configProto();
    assertThat(proto.getGpuOptions().getVisibleDeviceList()).isEmpty();
    assertThat(proto.getGpuOptions().getAllowGrowth()).isTrue();
    assertThat(proto.getGpuOptions().getPerProcessGpuMemoryFraction()).isZero();
    assertThat(proto.getGraphOptions().getOptimizerOptions().getGlobalJitLevel())
        .isEqualTo(GlobalJitLevel.OFF);
    assertThat(proto.getIntraOpParallelismThreads()).isZero();
    assertThat(proto.getInterOpParallelismThreads()).isZero();
  }

  @Test
  void runsGoToTheCallerThreadUnlessTurnedOff() throws Exception {
    RunOptions options =
        RunOptions.parseFrom(SessionSettings.defaults().runOptions().toByteArray());
    // -1 is TensorFlow's "run on the calling thread" (RunOptions.inter_op_thread_pool).
    assertThat(options.getInterOpThreadPool()).isEqualTo(-1);
    assertThat(SessionSettings.defaults().withCallerThreadRuns(false).runOptions()).isNull();
    assertThat(SessionSettings.defaults().withCallerThreadRuns(false).describe())
        .contains("caller_thread_runs=false");
  }

  @Test
  void invalidValuesNameTheirKey() {
    assertThatThrownBy(() -> new SessionSettings("", true, 1.5, false, 0, 0))
        .hasMessageContaining(SessionSettings.MEMORY_FRACTION_KEY)
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> new SessionSettings("", true, Double.NaN, false, 0, 0))
        .hasMessageContaining(SessionSettings.MEMORY_FRACTION_KEY);
    assertThatThrownBy(() -> new SessionSettings("", true, 0, false, -1, 0))
        .hasMessageContaining(SessionSettings.INTRA_OP_THREADS_KEY);
    assertThatThrownBy(() -> new SessionSettings("", true, 0, false, 0, -2))
        .hasMessageContaining(SessionSettings.INTER_OP_THREADS_KEY);
    assertThatThrownBy(() -> new SessionSettings("gpu0", true, 0, false, 0, 0))
        .hasMessageContaining(SessionSettings.VISIBLE_DEVICES_KEY);
  }

  @Test
  void gpuTraceSuffixesAreCutToTheDevice() {
    assertThat(SavedModel.deviceOf("/job:localhost/replica:0/task:0/device:GPU:0/stream:all"))
        .isEqualTo("/job:localhost/replica:0/task:0/device:GPU:0");
    assertThat(SavedModel.deviceOf("/job:localhost/replica:0/task:0/device:CPU:0"))
        .isEqualTo("/job:localhost/replica:0/task:0/device:CPU:0");
  }
}
