package io.igstream.tf;

import io.igstream.ig.DenseArray;
import io.igstream.ig.GradientProbe;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads a SavedModel for explanation and checks it once: the spec fits the signature, a gradient
 * route exists, every op on the path has a gradient, and a finite-difference probe agrees with the
 * analytic gradient. A model that fails any check is closed and refused with the reason.
 */
public final class ModelLoader {

  private final OpRegistry registry;
  private final SessionSettings settings;

  /** A loader whose sessions use TensorFlow's defaults (see {@link SessionSettings#defaults()}). */
  public ModelLoader(OpRegistry registry) {
    this(registry, SessionSettings.defaults());
  }

  public ModelLoader(OpRegistry registry, SessionSettings settings) {
    this.registry = registry;
    this.settings = settings;
  }

  /** Loads and checks a model; the probe runs around {@code probeInstance}, or zeros if null. */
  public TfModel load(
      Path directory, ExplainedModelSpec spec, Map<String, DenseArray> probeInstance) {
    return loadResolving(directory, saved -> spec, probeInstance);
  }

  /**
   * Loads and checks a model whose spec depends on what the SavedModel offers (defaults taken from
   * its signature), reading the directory once.
   */
  public TfModel loadResolving(
      Path directory,
      java.util.function.Function<SavedModel, ExplainedModelSpec> specOf,
      Map<String, DenseArray> probeInstance) {
    SavedModel saved = SavedModel.load(directory, settings);
    try {
      TfModel model = TfModel.open(saved, specOf.apply(saved), registry);
      Map<String, DenseArray> instance =
          probeInstance != null ? probeInstance : zeros(model.servingSignature());
      GradientProbe.Verdict verdict;
      try {
        verdict = GradientProbe.probe(model, instance, 20240611L);
      } catch (RuntimeException e) {
        throw new ModelLoadException(
            "the gradient probe could not run on " + directory + ": " + e.getMessage(), e);
      }
      if (!verdict.agrees()) {
        throw new ModelLoadException(
            "the analytic gradient disagrees with finite differences ("
                + verdict.detail()
                + "); the model may use an op whose gradient is wrong. Export a gradient"
                + " signature (see fixtures/README.md)");
      }
      return model;
    } catch (RuntimeException e) {
      saved.close();
      throw e instanceof ModelLoadException ? e : new ModelLoadException(e.getMessage(), e);
    }
  }

  /** An all-zeros instance of every serving input: a valid padding/unknown id for int inputs. */
  public static Map<String, DenseArray> zeros(SignatureSpec signature) {
    Map<String, DenseArray> instance = new LinkedHashMap<>();
    for (TensorSpec input : signature.inputs().values()) {
      long[] row = input.rowShape().clone();
      for (int i = 0; i < row.length; i++) {
        if (row[i] < 0) {
          throw new ModelLoadException(
              "input " + input.key() + " has an unknown dimension " + input.describe());
        }
      }
      instance.put(input.key(), DenseArray.filled(row, 0));
    }
    return instance;
  }
}
