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
