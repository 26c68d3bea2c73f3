package io.igstream.tf;

import io.igstream.ig.DenseArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/** A loaded TensorFlow SavedModel (graph, restored variables, signatures); close it to free it. */
public final class SavedModel implements AutoCloseable {

  private static final Pattern DEVICE = Pattern.compile("^(.*?/device:[^/:]+:\\d+)");

  private final Path directory;
  private final SavedModelBundle bundle;
  private final Map<String, SignatureSpec> signatures;
  private final RunOptions runOptions;

  private SavedModel(Path directory, SavedModelBundle bundle, RunOptions runOptions) {
    this.directory = directory;
    this.bundle = bundle;
    this.runOptions = runOptions;
    this.signatures = describe(bundle);
  }

  /**
   * Loads the SavedModel in a directory with the {@code serve} tag and default session settings.
   *
   * @throws ModelLoadException when the directory holds no loadable SavedModel
   */
  public static SavedModel load(Path directory) {
    return load(directory, SessionSettings.defaults());
  }

  /**
   * Loads the SavedModel in a directory with the {@code serve} tag, its session configured by
   * {@code settings}.
   *
   * @throws ModelLoadException when the directory holds no loadable SavedModel
   */
  public static SavedModel load(Path directory, SessionSettings settings) {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new ModelLoadException(
          "no saved_model.pb in " + dir + ": point at a directory written by a SavedModel export");
    }
    try {
      return new SavedModel(
          dir,
          SavedModelBundle.loader(dir.toString())
              .withTags("serve")
              .withConfigProto(settings.configProto())
              .load(),
          settings.runOptions());
    } catch (RuntimeException e) {
      throw new ModelLoadException("TensorFlow could not load " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return directory;
  }

  /** Signatures by key, e.g. {@code serving_default}. */
  public Map<String, SignatureSpec> signatures() {
    return signatures;
  }

  /** The signature with this key, or an error listing the keys there are. */
  public SignatureSpec signature(String key) {
    SignatureSpec spec = signatures.get(key);
    if (spec == null) {
      throw new IllegalArgumentException(
          "the model has no signature '" + key + "'; it has " + signatures.keySet());
    }
    return spec;
  }

  /** The bundle's graph; the TensorFlow bridge adds gradient nodes to it. */
  public org.tensorflow.Graph graph() {
    return bundle.graph();
  }

  /** The session holding the restored variables. */
  public Session session() {
    return bundle.session();
  }

  /** A runner with this model's run options (see {@link SessionSettings#callerThreadRuns()}). */
  public Session.Runner runner() {
    Session.Runner runner = bundle.session().runner();
    return runOptions == null ? runner : runner.setOptions(runOptions);
  }

  /** The meta graph, whose function library holds the bodies of the model's call ops. */
  public org.tensorflow.proto.MetaGraphDef metaGraph() {
    return bundle.metaGraphDef();
  }

  /**
   * Runs a signature on a batch: every input key maps to one row per instance; returns each output
   * split into rows.
   */
  public Map<String, List<DenseArray>> run(
      String signatureKey, Map<String, List<DenseArray>> rows) {
    SignatureSpec spec = signature(signatureKey);
    List<Tensor> owned = new ArrayList<>();
    try {
      Map<String, List<DenseArray>> outputs = new LinkedHashMap<>();
      try (Result result = runner(spec, rows, owned).run()) {
        int index = 0;
        for (TensorSpec output : spec.outputs().values()) {
          outputs.put(output.key(), Tensors.rows(result.get(index++)));
        }
      }
      return outputs;
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  /**
   * The devices a signature's ops ran on, read from TensorFlow's own step statistics of one traced
   * run on {@code rows}; e.g. {@code [/job:localhost/replica:0/task:0/device:CPU:0]}.
   */
  public List<String> devices(String signatureKey, Map<String, List<DenseArray>> rows) {
    SignatureSpec spec = signature(signatureKey);
    List<Tensor> owned = new ArrayList<>();
    try {
      Session.Runner runner =
          runner(spec, rows, owned)
              .setOptions(
                  RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
      try (Result result = runner.runAndFetchMetadata()) {
        RunMetadata metadata =
            result
                .getMetadata()
                .orElseThrow(
                    () -> new IllegalStateException("TensorFlow returned no run metadata"));
        return metadata.getStepStats().getDevStatsList().stream()
            .map(stats -> deviceOf(stats.getDevice()))
            .distinct()
            .sorted()
            .toList();
      }
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  /**
   * A device without the stream or memcpy suffix GPU traces add ({@code .../device:GPU:0/stream:7}
   * is {@code .../device:GPU:0}).
   */
  static String deviceOf(String traced) {
    Matcher matcher = DEVICE.matcher(traced);
    return matcher.find() ? matcher.group(1) : traced;
  }

  /** A runner feeding every signature input and fetching every output; tensors go to owned. */
  private Session.Runner runner(
      SignatureSpec spec, Map<String, List<DenseArray>> rows, List<Tensor> owned) {
    Session.Runner runner = runner();
    for (TensorSpec input : spec.inputs().values()) {
      List<DenseArray> inputRows = rows.get(input.key());
      if (inputRows == null) {
        throw new IllegalArgumentException(
            "missing input '" + input.key() + "'; the signature takes " + spec.inputs().keySet());
      }
      Tensor tensor = Tensors.batch(input.dtype(), inputRows);
      owned.add(tensor);
      runner.feed(input.tensorName(), tensor);
    }
    for (TensorSpec output : spec.outputs().values()) {
      runner.fetch(output.tensorName());
    }
    return runner;
  }

  @Override
  public void close() {
    bundle.close();
  }

  private static Map<String, SignatureSpec> describe(SavedModelBundle bundle) {
    Map<String, SignatureSpec> out = new LinkedHashMap<>();
    for (Signature signature : bundle.signatures()) {
      out.put(
          signature.key(),
          new SignatureSpec(
              signature.key(), specs(signature.getInputs()), specs(signature.getOutputs())));
    }
    return out;
  }

  private static Map<String, TensorSpec> specs(Map<String, Signature.TensorDescription> tensors) {
    Map<String, TensorSpec> out = new LinkedHashMap<>();
    tensors.forEach(
        (key, description) ->
            out.put(
                key,
                new TensorSpec(key, description.name, description.dataType, dims(description))));
    return out;
  }

  private static long[] dims(Signature.TensorDescription description) {
    Shape shape = description.shape;
    return shape.isUnknown() ? new long[0] : shape.asArray();
  }
}
