package io.igstream.tf;

import java.util.regex.Pattern;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RunOptions;

/**
 * How TensorFlow sessions of loaded SavedModels are configured: GPU devices and memory, XLA, and
 * CPU thread pools. Built once from the configuration; every model loaded by a process uses the
 * same settings, which matters because TensorFlow sizes its GPU allocator and its thread pools once
 * per process, from the first session it creates.
 *
 * @param visibleDevices GPU ids TensorFlow may use, comma-separated ({@code "0"}, {@code "0,1"});
 *     empty for every GPU the process can see
 * @param allowGrowth allocate GPU memory as needed rather than nearly all of it at start
 * @param memoryFraction upper bound on the share of each GPU's memory, 0 for TensorFlow's default
 * @param xla compile graphs with XLA's JIT (global_jit_level ON_1); TensorFlow applies it on GPUs
 * @param intraOpThreads threads inside one op (a matrix product), 0 for TensorFlow's choice
 * @param interOpThreads ops run at once, 0 for TensorFlow's choice
 * @param callerThreadRuns run each model run's ops on the thread that asked for it rather than
 *     handing them to TensorFlow's inter-op pool: on small models the hand-over is most of a run
 *     (see README, Throughput); TensorFlow still uses the pool when a run spans several devices
 */
public record SessionSettings(
    String visibleDevices,
    boolean allowGrowth,
    double memoryFraction,
    boolean xla,
    int intraOpThreads,
    int interOpThreads,
    boolean callerThreadRuns) {

  public static final String VISIBLE_DEVICES_KEY = "igstream.tf.gpu.visible-devices";
  public static final String ALLOW_GROWTH_KEY = "igstream.tf.gpu.allow-growth";
  public static final String MEMORY_FRACTION_KEY = "igstream.tf.gpu.memory-fraction";
  public static final String XLA_KEY = "igstream.tf.xla";
  public static final String INTRA_OP_THREADS_KEY = "igstream.tf.intra-op-threads";
  public static final String INTER_OP_THREADS_KEY = "igstream.tf.inter-op-threads";
  public static final String CALLER_THREAD_RUNS_KEY = "igstream.tf.caller-thread-runs";

  private static final Pattern DEVICE_LIST = Pattern.compile("(\\d+(,\\d+)*)?");

  /** Checks every value; the message names the configuration key and the values it accepts. */
  public SessionSettings {
    visibleDevices = visibleDevices == null ? "" : visibleDevices.replace(" ", "");
    if (!DEVICE_LIST.matcher(visibleDevices).matches()) {
      throw new IllegalArgumentException(
          VISIBLE_DEVICES_KEY
              + " must be GPU ids separated by commas (e.g. 0 or 0,1) or empty for all, got '"
              + visibleDevices
              + "'");
    }
    if (!(memoryFraction >= 0 && memoryFraction <= 1)) {
      throw new IllegalArgumentException(
          MEMORY_FRACTION_KEY
              + " must be between 0 and 1 (0 leaves TensorFlow's default), got "
              + memoryFraction);
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException(
          INTRA_OP_THREADS_KEY
              + " must be 0 (TensorFlow chooses) or a positive thread count, got "
              + intraOpThreads);
    }
    if (interOpThreads < 0) {
      throw new IllegalArgumentException(
          INTER_OP_THREADS_KEY
              + " must be 0 (TensorFlow chooses) or a positive thread count, got "
              + interOpThreads);
    }
  }

  /** As the full constructor, runs on the caller's thread. */
  public SessionSettings(
      String visibleDevices,
      boolean allowGrowth,
      double memoryFraction,
      boolean xla,
      int intraOpThreads,
      int interOpThreads) {
    this(visibleDevices, allowGrowth, memoryFraction, xla, intraOpThreads, interOpThreads, true);
  }

  /** All GPUs, memory on demand, no XLA, thread pools sized by TensorFlow, caller-thread runs. */
  public static SessionSettings defaults() {
    return new SessionSettings("", true, 0, false, 0, 0, true);
  }

  /** The same settings with runs on the caller's thread or in TensorFlow's pool. */
  public SessionSettings withCallerThreadRuns(boolean callerThread) {
    return new SessionSettings(
        visibleDevices,
        allowGrowth,
        memoryFraction,
        xla,
        intraOpThreads,
        interOpThreads,
        callerThread);
  }

  /**
   * Options for every run of a session made with these settings; null for TensorFlow's defaults.
   * Per run rather than per session so that one process can measure both (the benchmark does).
   */
  public RunOptions runOptions() {
    return callerThreadRuns ? RunOptions.newBuilder().setInterOpThreadPool(-1).build() : null;
  }

  /** The session configuration TensorFlow reads these settings from. */
  public ConfigProto configProto() {
    GPUOptions.Builder gpu =
        GPUOptions.newBuilder()
            .setAllowGrowth(allowGrowth)
            .setVisibleDeviceList(visibleDevices)
            .setPerProcessGpuMemoryFraction(memoryFraction);
    OptimizerOptions optimizer =
        OptimizerOptions.newBuilder()
            .setGlobalJitLevel(
                xla ? OptimizerOptions.GlobalJitLevel.ON_1 : OptimizerOptions.GlobalJitLevel.OFF)
            .build();
    return ConfigProto.newBuilder()
        .setGpuOptions(gpu)
        .setGraphOptions(GraphOptions.newBuilder().setOptimizerOptions(optimizer))
        .setIntraOpParallelismThreads(intraOpThreads)
        .setInterOpParallelismThreads(interOpThreads)
        // An op without a GPU kernel (string ops, some integer ops) then runs on the CPU instead
        // of failing the load.
        .setAllowSoftPlacement(true)
        .build();
  }

  /** One line of key=value pairs for the start-up log. */
  public String describe() {
    return "visible_devices="
        + (visibleDevices.isEmpty() ? "all" : visibleDevices)
        + " allow_growth="
        + allowGrowth
        + " memory_fraction="
        + memoryFraction
        + " xla="
        + xla
        + " intra_op_threads="
        + intraOpThreads
        + " inter_op_threads="
        + interOpThreads
        + " caller_thread_runs="
        + callerThreadRuns
        + " soft_placement=true";
  }
}
