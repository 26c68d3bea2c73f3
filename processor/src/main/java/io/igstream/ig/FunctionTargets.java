package io.igstream.ig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Targets that are functions of the whole output row (contrast, sum, shifted output, softmax with a
 * temperature), resolved to one {@link ResolvedTarget} each.
 */
final class FunctionTargets {

  private FunctionTargets() {}

  static boolean handles(TargetSpec spec) {
    return spec instanceof TargetSpec.Contrast
        || spec instanceof TargetSpec.Sum
        || spec instanceof TargetSpec.Shifted
        || spec instanceof TargetSpec.Softmax;
  }

  /** Refuses indices outside the output and kinds that make no sense for the output kind. */
  static void validate(OutputKind kind, int outputSize, TargetSpec spec) {
    if (!handles(spec)) {
      return;
    }
    // A shifted regression output is the one function target a scalar output supports; the
    // others need several outputs to combine.
    boolean scalarShift = spec instanceof TargetSpec.Shifted && kind == OutputKind.SCALAR;
    if (kind != OutputKind.VECTOR && !scalarShift) {
      throw new IllegalArgumentException(
          "target kind '"
              + kindName(spec)
              + "' needs a vector output; this model's output_kind is "
              + kind.externalName());
    }
    int limit = kind == OutputKind.SCALAR ? 1 : outputSize;
    for (int index : indices(spec)) {
      if (index < 0 || index >= limit) {
        throw new IllegalArgumentException(
            "target "
                + kindName(spec)
                + " index "
                + index
                + " is out of range: this model's targets are 0 to "
                + (limit - 1));
      }
    }
    if (spec instanceof TargetSpec.Contrast c && c.b() != null && c.a() == c.b()) {
      throw new IllegalArgumentException("a contrast target needs two different classes");
    }
    if (spec instanceof TargetSpec.Contrast && outputSize < 2) {
      throw new IllegalArgumentException("a contrast target needs at least two outputs");
    }
  }

  static ResolvedTarget resolve(double[] output, TargetSpec spec) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    double[] upstream = new double[output.length];
    if (spec instanceof TargetSpec.Contrast c) {
      int b = c.b() != null ? c.b() : runnerUp(output, c.a());
      upstream[c.a()] = 1;
      upstream[b] = -1;
      parameters.put("classes", List.of(c.a(), b));
      if (c.b() == null) {
        parameters.put("runner_up", true);
      }
      return new ResolvedTarget(
          c.a(), upstream, 0, null, new ResolvedTarget.Description("contrast", parameters));
    }
    if (spec instanceof TargetSpec.Sum sum) {
      for (int i : sum.indices()) {
        upstream[i] = 1;
      }
      parameters.put("indices", sum.indices());
      return new ResolvedTarget(
          null, upstream, 0, null, new ResolvedTarget.Description("sum", parameters));
    }
    if (spec instanceof TargetSpec.Shifted shifted) {
      upstream[shifted.index()] = 1;
      parameters.put("index", shifted.index());
      parameters.put("minus", shifted.minus());
      return new ResolvedTarget(
          shifted.index(),
          upstream,
          -shifted.minus(),
          null,
          new ResolvedTarget.Description("threshold", parameters));
    }
    TargetSpec.Softmax softmax = (TargetSpec.Softmax) spec;
    parameters.put("index", softmax.index());
    parameters.put("temperature", softmax.temperature());
    return new ResolvedTarget(
        softmax.index(),
        null,
        0,
        softmax.temperature(),
        new ResolvedTarget.Description("softmax", parameters));
  }

  /** The highest-scoring class other than {@code a}; ties keep the lower index, as argmax does. */
  private static int runnerUp(double[] output, int a) {
    for (int index : Targets.ranked(output)) {
      if (index != a) {
        return index;
      }
    }
    throw new IllegalArgumentException("a contrast target needs at least two outputs");
  }

  private static List<Integer> indices(TargetSpec spec) {
    if (spec instanceof TargetSpec.Contrast c) {
      return c.b() == null ? List.of(c.a()) : List.of(c.a(), c.b());
    }
    if (spec instanceof TargetSpec.Sum sum) {
      return sum.indices();
    }
    if (spec instanceof TargetSpec.Shifted shifted) {
      return List.of(shifted.index());
    }
    return List.of(((TargetSpec.Softmax) spec).index());
  }

  static String kindName(TargetSpec spec) {
    if (spec instanceof TargetSpec.Contrast) {
      return "contrast";
    }
    if (spec instanceof TargetSpec.Sum) {
      return "sum";
    }
    if (spec instanceof TargetSpec.Shifted) {
      return "threshold";
    }
    return "softmax";
  }
}
