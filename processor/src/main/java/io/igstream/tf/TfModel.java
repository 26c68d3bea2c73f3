package io.igstream.tf;

import io.igstream.ig.AttributedTensor;
import io.igstream.ig.DenseArray;
import io.igstream.ig.DifferentiableModel;
import io.igstream.ig.Evaluation;
import io.igstream.ig.GradientBatch;
import io.igstream.ig.GradientRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * A SavedModel prepared for IG: the explained output, the attributed tensors and a way to get their
 * gradients (an exported gradient signature, or the rebuilt graph). Thread-safe; closing it closes
 * the SavedModel.
 */
public final class TfModel implements DifferentiableModel, AutoCloseable {

  private final SavedModel model;
  private final ExplainedModelSpec spec;
  private final SignatureSpec serving;
  private final GradientRoute route;
  private final List<AttributedTensor> attributed;
  private final int outputSize;
  // Graph route: tensors inside the rebuilt graph.
  private final Output<?> output;
  private final Map<String, Output<?>> attributedOutputs;
  private final GradientGraph gradientGraph;
  // Gradient-signature route.
  private final SignatureSpec gradientSignature;

  private TfModel(
      SavedModel model,
      ExplainedModelSpec spec,
      GradientRoute route,
      Output<?> output,
      Map<String, Output<?>> attributedOutputs,
      GradientGraph gradientGraph,
      SignatureSpec gradientSignature) {
    this.model = model;
    this.spec = spec;
    this.serving = model.signature(spec.signature());
    this.route = route;
    this.output = output;
    this.attributedOutputs = attributedOutputs;
    this.gradientGraph = gradientGraph;
    this.gradientSignature = gradientSignature;
    TensorSpec explained = serving.outputs().get(spec.output());
    this.outputSize = Math.toIntExact(DenseArray.elementCount(knownRowShape(explained, "output")));
    List<AttributedTensor> tensors = new ArrayList<>();
    for (AttributionPoint point : spec.attributed()) {
      long[] rowShape =
          point.isLayer()
              ? layerRowShape(point, attributedOutputs.get(point.input()))
              : knownRowShape(serving.inputs().get(point.input()), "input");
      tensors.add(new AttributedTensor(point.input(), rowShape));
    }
    this.attributed = List.copyOf(tensors);
  }

  /**
   * Prepares a loaded SavedModel for IG. The gradient signature is used when the model has one;
   * otherwise the graph route; the caller runs {@link LoadCheck} before trusting the result.
   *
   * @throws ModelLoadException when the spec does not fit the model or no route can differentiate
   */
  public static TfModel open(SavedModel model, ExplainedModelSpec spec, OpRegistry registry) {
    return open(model, spec, registry, true);
  }

  /** As {@link #open(SavedModel, ExplainedModelSpec, OpRegistry)}; see {@link FunctionInliner}. */
  static TfModel open(
      SavedModel model, ExplainedModelSpec spec, OpRegistry registry, boolean rewriteConv2d) {
    SignatureSpec serving = model.signature(spec.signature());
    TensorSpec explained = serving.outputs().get(spec.output());
    if (explained == null) {
      throw new ModelLoadException(
          "signature "
              + spec.signature()
              + " has no output '"
              + spec.output()
              + "'; it has "
              + serving.outputs().keySet());
    }
    for (AttributionPoint point : spec.attributed()) {
      if (!serving.inputs().containsKey(point.input())) {
        throw new ModelLoadException(
            "signature "
                + spec.signature()
                + " has no input '"
                + point.input()
                + "'; it has "
                + serving.inputs().keySet());
      }
    }
    SignatureSpec gradients = model.signatures().get(spec.gradientSignature());
    if (gradients != null) {
      return openWithGradientSignature(model, spec, gradients);
    }
    return openWithGraph(model, spec, registry, serving, explained, rewriteConv2d);
  }

  private static TfModel openWithGradientSignature(
      SavedModel model, ExplainedModelSpec spec, SignatureSpec gradients) {
    for (AttributionPoint point : spec.attributed()) {
      if (point.isLayer()) {
        throw new ModelLoadException(
            "layer attribution ("
                + point.input()
                + " at "
                + point.describeLayer()
                + ") cannot go through a gradient signature; attribute at the input instead");
      }
      if (!gradients.outputs().containsKey(gradientKey(point.input()))) {
        throw new ModelLoadException(
            "gradient signature "
                + gradients.key()
                + " has no output '"
                + gradientKey(point.input())
                + "'; see fixtures/README.md for the export convention");
      }
    }
    if (!gradients.inputs().containsKey(UPSTREAM) || !gradients.outputs().containsKey("output")) {
      throw new ModelLoadException(
          "gradient signature "
              + gradients.key()
              + " must take '"
              + UPSTREAM
              + "' and return 'output'; see fixtures/README.md for the export convention");
    }
    return new TfModel(
        model, spec, GradientRoute.GRADIENT_SIGNATURE, null, Map.of(), null, gradients);
  }

  private static TfModel openWithGraph(
      SavedModel model,
      ExplainedModelSpec spec,
      OpRegistry registry,
      SignatureSpec serving,
      TensorSpec explained,
      boolean rewriteConv2d) {
    FunctionInliner inliner =
        new FunctionInliner(
            model.graph(),
            registry,
            model.metaGraph().getGraphDef().getLibrary().getFunctionList(),
            rewriteConv2d);
    Output<?> rebuilt;
    try {
      rebuilt = inliner.inline(model.graph().output(explained.tensorName()));
    } catch (RuntimeException e) {
      throw new ModelLoadException(
          "cannot rebuild the model's call bodies for differentiation: "
              + e.getMessage()
              + ". Export a gradient signature instead (see fixtures/README.md)",
          e);
    }
    Map<String, Output<?>> points = new LinkedHashMap<>();
    for (AttributionPoint point : spec.attributed()) {
      if (point.isLayer()) {
        points.put(point.input(), layerTensor(inliner, point));
      } else {
        points.put(
            point.input(), model.graph().output(serving.inputs().get(point.input()).tensorName()));
      }
    }
    GradientCoverage.requireGradients(rebuilt, points.values(), registry);
    GradientGraph graph;
    try {
      graph =
          GradientGraph.build(
              model.graph(), rebuilt, List.copyOf(points.values()), "igstream_gradients_graph");
    } catch (ModelLoadException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelLoadException(
          "TensorFlow could not build the gradient graph: " + e.getMessage(), e);
    }
    return new TfModel(model, spec, GradientRoute.GRAPH, rebuilt, points, graph, null);
  }

  /** The rebuilt tensor a layer point names: the node's first output, or one of its inputs. */
  private static Output<?> layerTensor(FunctionInliner inliner, AttributionPoint point) {
    Output<?> output = inliner.namedTensors().get(point.layerNode());
    if (output == null) {
      throw new ModelLoadException(
          "no node '"
              + point.layerNode()
              + "' on the path to the output for layer attribution of "
              + point.input()
              + "; `igstream inspect-model` lists candidate nodes");
    }
    if (!point.layerInputs()) {
      return output;
    }
    // Data inputs only: control dependencies carry no values to interpolate.
    List<Output<?>> inputs = inliner.namedInputs().get(point.layerNode());
    if (point.layerInputIndex() >= inputs.size()) {
      throw new ModelLoadException(
          "layer_input_index "
              + point.layerInputIndex()
              + " for "
              + point.input()
              + ": node '"
              + point.layerNode()
              + "' has "
              + inputs.size()
              + " data input(s)");
    }
    return inputs.get(point.layerInputIndex());
  }

  static final String UPSTREAM = "igstream_upstream";

  static String gradientKey(String input) {
    return "gradient_" + input;
  }

  public GradientRoute route() {
    return route;
  }

  public SavedModel savedModel() {
    return model;
  }

  public ExplainedModelSpec spec() {
    return spec;
  }

  public SignatureSpec servingSignature() {
    return serving;
  }

  /**
   * The devices the serving signature's ops run on, from one traced run on an all-zeros instance:
   * where TensorFlow really placed the graph, GPU or CPU.
   */
  public List<String> devices() {
    Map<String, List<DenseArray>> rows = new LinkedHashMap<>();
    ModelLoader.zeros(serving).forEach((input, zeros) -> rows.put(input, List.of(zeros)));
    return model.devices(spec.signature(), rows);
  }

  @Override
  public List<AttributedTensor> attributedTensors() {
    return attributed;
  }

  @Override
  public int outputSize() {
    return outputSize;
  }

  @Override
  public List<Evaluation> evaluate(List<Map<String, DenseArray>> instances) {
    List<Tensor> owned = new ArrayList<>();
    try {
      Session.Runner runner = model.runner();
      for (TensorSpec input : serving.inputs().values()) {
        Tensor tensor = Tensors.batch(input.dtype(), column(instances, input.key()));
        owned.add(tensor);
        runner.feed(input.tensorName(), tensor);
      }
      List<String> layerInputs = new ArrayList<>();
      if (route == GradientRoute.GRAPH) {
        runner.fetch(output);
        for (AttributionPoint point : spec.attributed()) {
          if (point.isLayer()) {
            runner.fetch(attributedOutputs.get(point.input()));
            layerInputs.add(point.input());
          }
        }
      } else {
        runner.fetch(serving.outputs().get(spec.output()).tensorName());
      }
      try (Result result = runner.run()) {
        double[] outputs = Tensors.values(result.get(0));
        List<List<DenseArray>> layers = new ArrayList<>();
        for (int i = 0; i < layerInputs.size(); i++) {
          layers.add(Tensors.rows(result.get(i + 1)));
        }
        List<Evaluation> evaluations = new ArrayList<>();
        for (int r = 0; r < instances.size(); r++) {
          Map<String, DenseArray> values = new LinkedHashMap<>();
          int layer = 0;
          for (AttributionPoint point : spec.attributed()) {
            values.put(
                point.input(),
                point.isLayer() ? layers.get(layer++).get(r) : instances.get(r).get(point.input()));
          }
          evaluations.add(
              new Evaluation(
                  Arrays.copyOfRange(outputs, r * outputSize, (r + 1) * outputSize), values));
        }
        return evaluations;
      }
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  @Override
  public GradientBatch gradients(GradientRequest request) {
    return route == GradientRoute.GRAPH ? graphGradients(request) : signatureGradients(request);
  }

  private GradientBatch graphGradients(GradientRequest request) {
    List<Tensor> owned = new ArrayList<>();
    try {
      Session.Runner runner = model.runner();
      for (AttributedTensor tensor : attributed) {
        Tensor values =
            Tensors.floats(
                Tensors.batchShape(request.rows(), tensor.rowShape()),
                request.values().get(tensor.name()));
        owned.add(values);
        runner.feed(attributedOutputs.get(tensor.name()), values);
      }
      feedContext(runner, request, serving, owned, true);
      Tensor upstream = Tensors.floats(Shape.of(request.rows(), outputSize), request.upstream());
      owned.add(upstream);
      runner.feed(gradientGraph.upstream(), upstream);
      runner.fetch(output);
      gradientGraph.gradients().forEach(runner::fetch);
      return collect(runner, request.rows());
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  private GradientBatch signatureGradients(GradientRequest request) {
    List<Tensor> owned = new ArrayList<>();
    try {
      Session.Runner runner = model.runner();
      for (AttributedTensor tensor : attributed) {
        TensorSpec input = gradientSignature.inputs().get(tensor.name());
        Tensor values =
            Tensors.floats(
                Tensors.batchShape(request.rows(), tensor.rowShape()),
                request.values().get(tensor.name()));
        owned.add(values);
        runner.feed(input.tensorName(), values);
      }
      feedContext(runner, request, gradientSignature, owned, false);
      Tensor upstream = Tensors.floats(Shape.of(request.rows(), outputSize), request.upstream());
      owned.add(upstream);
      runner.feed(gradientSignature.inputs().get(UPSTREAM).tensorName(), upstream);
      runner.fetch(gradientSignature.outputs().get("output").tensorName());
      for (AttributedTensor tensor : attributed) {
        runner.fetch(gradientSignature.outputs().get(gradientKey(tensor.name())).tensorName());
      }
      return collect(runner, request.rows());
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  /** Feeds every signature input that is not fed as an attributed value from the row contexts. */
  private void feedContext(
      Session.Runner runner,
      GradientRequest request,
      SignatureSpec signature,
      List<Tensor> owned,
      boolean layerSourcesToo) {
    for (TensorSpec input : signature.inputs().values()) {
      if (input.key().equals(UPSTREAM) || isAttributedAtInput(input.key())) {
        continue;
      }
      if (!layerSourcesToo && isAttributedAtLayer(input.key())) {
        continue;
      }
      Tensor tensor = Tensors.batch(input.dtype(), column(request.context(), input.key()));
      owned.add(tensor);
      runner.feed(input.tensorName(), tensor);
    }
  }

  private GradientBatch collect(Session.Runner runner, int rows) {
    try (Result result = runner.run()) {
      float[] outputs = Tensors.floatValues(result.get(0));
      if (outputs.length != rows * outputSize) {
        throw new IllegalStateException(
            "the model returned " + outputs.length + " output values for " + rows + " rows");
      }
      Map<String, float[]> gradients = new LinkedHashMap<>();
      for (int i = 0; i < attributed.size(); i++) {
        gradients.put(attributed.get(i).name(), Tensors.floatValues(result.get(i + 1)));
      }
      return new GradientBatch(outputs, gradients);
    }
  }

  private boolean isAttributedAtInput(String input) {
    return spec.attributed().stream().anyMatch(p -> p.input().equals(input) && !p.isLayer());
  }

  private boolean isAttributedAtLayer(String input) {
    return spec.attributed().stream().anyMatch(p -> p.input().equals(input) && p.isLayer());
  }

  private static List<DenseArray> column(List<Map<String, DenseArray>> rows, String key) {
    List<DenseArray> column = new ArrayList<>(rows.size());
    for (Map<String, DenseArray> row : rows) {
      DenseArray value = row.get(key);
      if (value == null) {
        throw new IllegalArgumentException("missing input '" + key + "'");
      }
      column.add(value);
    }
    return column;
  }

  private static long[] knownRowShape(TensorSpec tensor, String what) {
    long[] rowShape = tensor.rowShape();
    for (long dimension : rowShape) {
      if (dimension < 0) {
        throw new ModelLoadException(
            "the "
                + what
                + " "
                + tensor.key()
                + " has an unknown dimension ("
                + tensor.describe()
                + "); only fixed-size rows can be attributed");
      }
    }
    return rowShape;
  }

  private static long[] layerRowShape(AttributionPoint point, Output<?> tensor) {
    if (tensor.dataType() != DataType.DT_FLOAT || tensor.shape().isUnknown()) {
      throw new ModelLoadException(
          "layer tensor " + point.describeLayer() + " must be float32 with a known shape");
    }
    long[] dims = tensor.shape().asArray();
    long[] row = Arrays.copyOfRange(dims, 1, dims.length);
    for (long dimension : row) {
      if (dimension < 0) {
        throw new ModelLoadException(
            "layer tensor "
                + point.describeLayer()
                + " has an unknown dimension "
                + Arrays.toString(dims)
                + "; only fixed-size rows can be attributed");
      }
    }
    return row;
  }

  @Override
  public void close() {
    model.close();
  }
}
