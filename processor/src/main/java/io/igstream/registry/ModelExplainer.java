package io.igstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.event.EventException;
import io.igstream.event.FeatureGroups;
import io.igstream.event.JsonArrays;
import io.igstream.event.Observations;
import io.igstream.event.Outcome;
import io.igstream.event.PredictionEvent;
import io.igstream.event.Records;
import io.igstream.ig.Attribution;
import io.igstream.ig.BlurIntegratedGradients;
import io.igstream.ig.BlurOptions;
import io.igstream.ig.DenseArray;
import io.igstream.ig.ExplainMethod;
import io.igstream.ig.ExplainRequest;
import io.igstream.ig.GuidedIntegratedGradients;
import io.igstream.ig.GuidedOptions;
import io.igstream.ig.IgOptions;
import io.igstream.ig.IntegratedGradients;
import io.igstream.ig.OutputKind;
import io.igstream.ig.QuadratureRule;
import io.igstream.ig.Smoothing;
import io.igstream.ig.TargetSpec;
import io.igstream.ig.Targets;
import io.igstream.tf.AttributionPoint;
import io.igstream.tf.ExplainedModelSpec;
import io.igstream.tf.ModelLoadException;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.SignatureSpec;
import io.igstream.tf.TensorSpec;
import io.igstream.tf.TfModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.tensorflow.proto.DataType;

/**
 * One model version ready to explain events: the loaded, checked model, the engine configured from
 * its {@link ModelConfig}, and the presentation of its records. Events are validated one by one,
 * explained together, and every event gets exactly one {@link Outcome}.
 */
public final class ModelExplainer implements AutoCloseable {

  private final String model;
  private final String version;
  private final TfModel tfModel;
  private final ExplainMethod engine;
  private final IgOptions options;
  private final InstanceBuilder instances;
  private final BaselineResolver baselines;
  private final TargetSpec defaultTarget;
  private final Map<String, Records.InputPresentation> presentation;
  private final int topFeatures;
  private final String output;
  private final OutputKind kind;
  private final ExplainerIdentity identity;
  private final FeatureGroups groups;

  private ModelExplainer(
      String model,
      String version,
      TfModel tfModel,
      ExplainMethod engine,
      IgOptions options,
      InstanceBuilder instances,
      BaselineResolver baselines,
      TargetSpec defaultTarget,
      Map<String, Records.InputPresentation> presentation,
      int topFeatures,
      String output,
      OutputKind kind,
      ExplainerIdentity identity,
      FeatureGroups groups) {
    this.model = model;
    this.version = version;
    this.tfModel = tfModel;
    this.engine = engine;
    this.options = options;
    this.instances = instances;
    this.baselines = baselines;
    this.defaultTarget = defaultTarget;
    this.presentation = presentation;
    this.topFeatures = topFeatures;
    this.output = output;
    this.kind = kind;
    this.identity = identity;
    this.groups = groups;
  }

  /**
   * Loads a model version and checks it.
   *
   * @throws ModelLoadException when the model is refused; the message says why and what to do
   */
  public static ModelExplainer load(
      String model, String version, Path directory, ModelConfig config, ModelLoader loader) {
    return load(model, version, directory, config, loader, rows -> {});
  }

  /**
   * Loads a model version and checks it; {@code gradientRows} hears the rows of every gradient run
   * of its explanations.
   *
   * @throws ModelLoadException when the model is refused; the message says why and what to do
   */
  public static ModelExplainer load(
      String model,
      String version,
      Path directory,
      ModelConfig config,
      ModelLoader loader,
      LongConsumer gradientRows) {
    TfModel tf =
        loader.loadResolving(
            directory,
            saved -> ModelSpecs.resolve(saved.signature(config.signatureOrDefault()), config),
            null);
    ExplainedModelSpec spec = tf.spec();
    try {
      SignatureSpec serving = tf.servingSignature();
      Map<String, List<String>> featureNames = new LinkedHashMap<>();
      Map<String, JsonNode> perInputBaselines = new LinkedHashMap<>();
      Map<String, Records.InputPresentation> presentation = new LinkedHashMap<>();
      for (AttributionPoint point : spec.attributed()) {
        ModelConfig.InputConfig input =
            config.inputs() == null ? null : config.inputs().get(point.input());
        List<String> names = input == null ? null : input.featureNames();
        if (names != null) {
          featureNames.put(point.input(), names);
        }
        if (input != null && input.baseline() != null) {
          perInputBaselines.put(point.input(), input.baseline());
        }
        presentation.put(
            point.input(),
            new Records.InputPresentation(
                point.input(),
                serving.inputs().get(point.input()).rowShape(),
                names,
                input == null ? null : input.channelReducer()));
      }
      List<String> attributed = spec.attributed().stream().map(AttributionPoint::input).toList();
      BaselineResolver baselines =
          new BaselineResolver(
              attributed,
              perInputBaselines,
              config.baseline() == null ? 0.0 : config.baseline(),
              config.baselines(),
              readSample(directory, config.baselineSample()),
              config.baselineSample() == null || config.baselineSample().draws() == null
                  ? 10
                  : config.baselineSample().draws(),
              config.baselineSample() == null || config.baselineSample().seed() == null
                  ? 0
                  : config.baselineSample().seed());
      OutputKind kind = outputKind(config, tf);
      FeatureGroups groups = GroupsConfig.build(config, directory, presentation);
      // Guided IG's settings first: its refusals name guided_ig's keys, not a quadrature's.
      GuidedOptions guided = GuidedSettings.of(config);
      BlurOptions blur = BlurSettings.of(config);
      if (blur != null) {
        BlurSettings.requireInputImages(spec.attributed());
      }
      IgOptions options = options(config);
      CountingModel counting = new CountingModel(tf, gradientRows);
      ExplainMethod engine =
          guided != null
              ? new GuidedIntegratedGradients(counting, kind, guided)
              : blur != null
                  ? new BlurIntegratedGradients(counting, kind, blur)
                  : new IntegratedGradients(counting, kind, options);
      return new ModelExplainer(
          model,
          version,
          tf,
          engine,
          options,
          new InstanceBuilder(serving, featureNames),
          baselines,
          defaultTarget(config, kind, tf.outputSize(), guided != null || blur != null),
          presentation,
          config.topFeatures() == null ? 5 : config.topFeatures(),
          spec.output(),
          kind,
          ExplainerIdentity.of(config, spec.output(), kind, options, guided, blur, groups),
          groups);
    } catch (RuntimeException e) {
      tf.close();
      throw e instanceof ModelLoadException
          ? e
          : new ModelLoadException("invalid model config: " + e.getMessage(), e);
    }
  }

  /** The engine settings a config asks for. */
  static IgOptions options(ModelConfig config) {
    // Guided and Blur IG's sums are left Riemann sums along their own paths; the rule stands for
    // that here.
    QuadratureRule rule =
        config.method() == null
            ? QuadratureRule.GAUSS_LEGENDRE
            : GuidedSettings.selected(config) || BlurSettings.selected(config)
                ? QuadratureRule.RIEMANN_LEFT
                : GuidedSettings.quadratureRule(config.method());
    int steps = config.steps() == null ? IgOptions.DEFAULT_STEPS : config.steps();
    Smoothing smoothing = Smoothing.NONE;
    if (config.smoothing() != null && config.smoothing().variant() != null) {
      ModelConfig.SmoothingConfig s = config.smoothing();
      smoothing =
          new Smoothing(
              Smoothing.Variant.fromExternalName(s.variant()),
              s.sigma() == null ? 0.1 : s.sigma(),
              s.samples() == null ? 8 : s.samples(),
              s.seed() == null ? 0 : s.seed());
    }
    return new IgOptions(
        rule,
        steps,
        config.multiplyByInputs() == null || config.multiplyByInputs(),
        smoothing,
        config.maxRowsPerRun() == null
            ? IgOptions.DEFAULT_MAX_ROWS_PER_RUN
            : config.maxRowsPerRun(),
        config.errorTarget(),
        config.maxSteps() == null ? Math.max(steps, 800) : config.maxSteps());
  }

  /** The config's target, checked against the output at load so a bad one refuses the model. */
  private static TargetSpec defaultTarget(
      ModelConfig config, OutputKind kind, int outputSize, boolean guided) {
    if (config.target() == null || config.target().isNull()) {
      return TargetSpec.PREDICTED;
    }
    TargetSpec target = TargetJson.parse(config.target());
    Targets.validate(kind, outputSize, target);
    refuseSoftmaxWithGuided(target, guided);
    return target;
  }

  /** Guided and Blur IG feed one upstream vector per path; a softmax target needs one per point. */
  private static void refuseSoftmaxWithGuided(TargetSpec target, boolean adaptivePath) {
    if (adaptivePath && target instanceof TargetSpec.Softmax) {
      throw new IllegalArgumentException(
          "target: softmax targets cannot be used with guided_ig or blur_ig; use plain IG");
    }
  }

  private static OutputKind outputKind(ModelConfig config, TfModel tf) {
    if (config.outputKind() != null) {
      return OutputKind.fromExternalName(config.outputKind());
    }
    return tf.outputSize() == 1 ? OutputKind.SCALAR : OutputKind.VECTOR;
  }

  private static List<Map<String, DenseArray>> readSample(
      Path directory, ModelConfig.BaselineSample sample) {
    if (sample == null || sample.file() == null) {
      return List.of();
    }
    Path file = directory.resolve(sample.file()).normalize();
    List<Map<String, DenseArray>> rows = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = ModelConfig.mapper().readTree(line);
        JsonNode inputs = node.has("inputs") ? node.get("inputs") : node;
        Map<String, DenseArray> row = new LinkedHashMap<>();
        inputs.fields().forEachRemaining(e -> row.put(e.getKey(), JsonArrays.read(e.getValue())));
        rows.add(row);
      }
    } catch (IOException e) {
      throw new ModelLoadException(
          "cannot read the baseline sample " + file + ": " + e.getMessage(), e);
    }
    return rows;
  }

  public String model() {
    return model;
  }

  public String version() {
    return version;
  }

  public TfModel tfModel() {
    return tfModel;
  }

  /**
   * The plain IG settings; with Guided or Blur IG, their steps and rows per run (see {@link
   * #guided}, {@link #blur}).
   */
  public IgOptions options() {
    return options;
  }

  /** Blur IG's settings, or null when this model is not explained with Blur IG. */
  public BlurOptions blur() {
    return engine instanceof BlurIntegratedGradients b ? b.options() : null;
  }

  /** Guided IG's settings, or null when this model is explained with plain IG. */
  public GuidedOptions guided() {
    return engine instanceof GuidedIntegratedGradients g ? g.options() : null;
  }

  /** The explainer configuration and its hash, recorded in baselines and summaries. */
  public ExplainerIdentity identity() {
    return identity;
  }

  /** Explains events of this model version; one outcome per event, in order. */
  public List<Outcome> explain(List<PredictionEvent> events) {
    Outcome[] outcomes = new Outcome[events.size()];
    List<Integer> valid = new ArrayList<>();
    List<ExplainRequest> requests = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      PredictionEvent event = events.get(i);
      try {
        requests.add(request(event));
        valid.add(i);
      } catch (EventException e) {
        outcomes[i] = Outcome.failed(event, e.stage(), e.getMessage());
      } catch (RuntimeException e) {
        outcomes[i] =
            Outcome.failed(
                event,
                "input",
                "the event's inputs do not fit model "
                    + model
                    + " version "
                    + version
                    + ": "
                    + e
                    + " (`igstream inspect-model` shows the inputs it takes)");
      }
    }
    List<Slot> results = explainIsolating(requests);
    for (int j = 0; j < valid.size(); j++) {
      int i = valid.get(j);
      PredictionEvent event = events.get(i);
      Slot slot = results.get(j);
      String failure = slot.failure() != null ? slot.failure() : nonFinite(slot.result());
      outcomes[i] =
          failure != null
              ? Outcome.failed(event, "explain", failure)
              : new Outcome.Explained(
                  event.eventId(),
                  Records.attribution(
                      event, output, slot.result(), presentation, topFeatures, groups),
                  Observations.of(
                      requests.get(j).inputs(),
                      slot.result().get(0),
                      presentation,
                      identity.forEvent(event),
                      groups));
    }
    return List.of(outcomes);
  }

  /** Why attributions cannot be trusted when the model produced NaN or infinity on the path. */
  private String nonFinite(List<Attribution> attributions) {
    for (Attribution a : attributions) {
      if (!a.isFinite()) {
        return "model "
            + model
            + " version "
            + version
            + " produced non-finite values between the baseline and the input (F(x)="
            + a.outputAtInput()
            + ", F(b)="
            + a.outputAtBaseline()
            + "); check the baseline and the input (e.g. a log or a division at 0)";
      }
    }
    return null;
  }

  /** The attributions of one request, or why the model failed on it. */
  private record Slot(List<Attribution> result, String failure) {}

  /**
   * Explains the batch; if the engine fails on it, explains each request alone so that one bad
   * event does not take the others down. A failed request's slot is null.
   */
  private List<Slot> explainIsolating(List<ExplainRequest> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    try {
      return engine.explain(requests).stream().map(r -> new Slot(r, null)).toList();
    } catch (RuntimeException batchFailure) {
      List<Slot> out = new ArrayList<>();
      for (ExplainRequest request : requests) {
        try {
          out.add(new Slot(engine.explain(List.of(request)).get(0), null));
        } catch (RuntimeException e) {
          out.add(
              new Slot(
                  null,
                  "the model failed on this event: "
                      + e.getMessage()
                      + " (model "
                      + model
                      + " version "
                      + version
                      + ")"));
        }
      }
      return out;
    }
  }

  private ExplainRequest request(PredictionEvent event) {
    Map<String, DenseArray> instance = instances.build(event);
    List<Map<String, DenseArray>> eventBaselines =
        baselines.resolve(event.eventId(), instance, event.baseline());
    TargetSpec target = defaultTarget;
    JsonNode requested = event.target();
    if (requested != null && !requested.isNull()) {
      try {
        target = TargetJson.parse(requested);
        Targets.validate(kind, tfModel.outputSize(), target);
        refuseSoftmaxWithGuided(
            target,
            engine instanceof GuidedIntegratedGradients
                || engine instanceof BlurIntegratedGradients);
      } catch (IllegalArgumentException e) {
        throw new EventException("schema", e.getMessage());
      }
    }
    return new ExplainRequest(event.eventId(), instance, target, eventBaselines);
  }

  @Override
  public void close() {
    tfModel.close();
  }

  /** Whether a signature input is numeric and can be attributed directly. */
  static boolean isFloat(TensorSpec spec) {
    return spec.dtype() == DataType.DT_FLOAT;
  }
}
