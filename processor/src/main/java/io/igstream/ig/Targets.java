package io.igstream.ig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Turns a {@link TargetSpec} into concrete targets for one output row. */
public final class Targets {

  private Targets() {}

  /**
   * Checks a spec against the output before any model run, so that one event's impossible target
   * fails that event alone.
   */
  public static void validate(OutputKind kind, int outputSize, TargetSpec spec) {
    FunctionTargets.validate(kind, outputSize, spec);
    if (spec instanceof TargetSpec.Index index) {
      int limit = kind == OutputKind.SIGMOID ? 2 : kind == OutputKind.SCALAR ? 1 : outputSize;
      if (index.index() < 0 || index.index() >= limit) {
        throw new IllegalArgumentException(
            "target "
                + index.index()
                + " is out of range: this model's targets are 0 to "
                + (limit - 1));
      }
    }
  }

  /** The targets a spec selects for this output row, best first for top-k. */
  public static List<ResolvedTarget> resolve(OutputKind kind, double[] output, TargetSpec spec) {
    if (FunctionTargets.handles(spec)) {
      FunctionTargets.validate(kind, output.length, spec);
      return List.of(FunctionTargets.resolve(output, spec));
    }
    return switch (kind) {
      case SCALAR -> List.of(scalar(output, spec));
      case SIGMOID -> sigmoid(output, spec);
      case VECTOR -> vector(output, spec);
    };
  }

  private static ResolvedTarget scalar(double[] output, TargetSpec spec) {
    if (output.length != 1) {
      throw new IllegalArgumentException(
          "a scalar output must have one element, this one has " + output.length);
    }
    if (spec instanceof TargetSpec.Index index && index.index() != 0) {
      throw new IllegalArgumentException(
          "target " + index.index() + " is out of range: the output is a single value");
    }
    return new ResolvedTarget(null, new double[] {1}, 0);
  }

  private static List<ResolvedTarget> sigmoid(double[] output, TargetSpec spec) {
    if (output.length != 1) {
      throw new IllegalArgumentException(
          "a sigmoid output must have one element, this one has " + output.length);
    }
    int predicted = output[0] >= 0.5 ? 1 : 0;
    List<Integer> classes;
    if (spec instanceof TargetSpec.Index index) {
      if (index.index() != 0 && index.index() != 1) {
        throw new IllegalArgumentException(
            "target " + index.index() + " is out of range: a sigmoid output has classes 0, 1");
      }
      classes = List.of(index.index());
    } else if (spec instanceof TargetSpec.TopK top && top.k() > 1) {
      classes = List.of(predicted, 1 - predicted);
    } else {
      classes = List.of(predicted);
    }
    List<ResolvedTarget> targets = new ArrayList<>();
    for (int cls : classes) {
      // P(class 0) = 1 - p: its gradient is the negated gradient of p.
      targets.add(
          cls == 1
              ? new ResolvedTarget(1, new double[] {1}, 0)
              : new ResolvedTarget(0, new double[] {-1}, 1));
    }
    return targets;
  }

  private static List<ResolvedTarget> vector(double[] output, TargetSpec spec) {
    List<Integer> indices;
    if (spec instanceof TargetSpec.Index index) {
      if (index.index() < 0 || index.index() >= output.length) {
        throw new IllegalArgumentException(
            "target "
                + index.index()
                + " is out of range: the output has "
                + output.length
                + " elements");
      }
      indices = List.of(index.index());
    } else if (spec instanceof TargetSpec.TopK top) {
      indices = ranked(output).subList(0, Math.min(top.k(), output.length));
    } else {
      indices = List.of(ranked(output).get(0));
    }
    List<ResolvedTarget> targets = new ArrayList<>();
    for (int index : indices) {
      double[] upstream = new double[output.length];
      upstream[index] = 1;
      targets.add(new ResolvedTarget(index, upstream, 0));
    }
    return targets;
  }

  /** Indices by decreasing score; ties keep the lower index first, as argmax does. */
  static List<Integer> ranked(double[] output) {
    return IntStream.range(0, output.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -output[i]).thenComparing(i -> i))
        .toList();
  }
}
