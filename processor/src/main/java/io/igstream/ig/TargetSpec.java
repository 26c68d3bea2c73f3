package io.igstream.ig;

/** Which scalar of the explained output an attribution explains. */
public sealed interface TargetSpec {

  /** An explicit output index (a class). */
  record Index(int index) implements TargetSpec {}

  /** The predicted class: the argmax, or for a sigmoid output the class with p >= 0.5. */
  record Predicted() implements TargetSpec {}

  /** The k highest-scoring classes, one attribution each. */
  record TopK(int k) implements TargetSpec {
    public TopK {
      if (k < 1) {
        throw new IllegalArgumentException("top-k needs k >= 1");
      }
    }
  }

  /**
   * Why class {@code a} rather than {@code b}: F = y[a] - y[b]. A null {@code b} means the
   * runner-up, the highest-scoring class other than {@code a} at the input.
   */
  record Contrast(int a, Integer b) implements TargetSpec {}

  /** A sum over several outputs (multi-label): F = sum of y[i]. */
  record Sum(java.util.List<Integer> indices) implements TargetSpec {
    public Sum {
      if (indices.isEmpty()) {
        throw new IllegalArgumentException("a sum target needs at least one index");
      }
      if (new java.util.HashSet<>(indices).size() != indices.size()) {
        throw new IllegalArgumentException("a sum target lists an index twice: " + indices);
      }
      indices = java.util.List.copyOf(indices);
    }
  }

  /** An output minus a threshold: F = y[index] - minus (the shift cancels in F(x) - F(b)). */
  record Shifted(int index, double minus) implements TargetSpec {
    public Shifted {
      if (!Double.isFinite(minus)) {
        throw new IllegalArgumentException("'minus' must be a finite number");
      }
    }
  }

  /** The probability of a class from logits at a temperature: F = softmax(y / T)[index]. */
  record Softmax(int index, double temperature) implements TargetSpec {
    public Softmax {
      if (!(temperature > 0) || !Double.isFinite(temperature)) {
        throw new IllegalArgumentException("'temperature' must be a positive number");
      }
    }
  }

  TargetSpec PREDICTED = new Predicted();

  /** Parses {@code predicted}, {@code top-K} or an index. */
  static TargetSpec parse(String text) {
    String value = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (value.equals("predicted")) {
      return PREDICTED;
    }
    try {
      if (value.startsWith("top")) {
        return new TopK(Integer.parseInt(value.replaceFirst("^top-?", "")));
      }
      return new Index(Integer.parseInt(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "target must be an index, 'predicted' or 'top-K', got '" + text + "'", e);
    }
  }
}
