package io.igstream.registry;

/**
 * Where the repository reports gradient rows computed per model: the work IG really does (paths x
 * steps x targets), which event counts alone do not show. Called from stream threads, so
 * implementations must be thread-safe and cheap.
 */
@FunctionalInterface
public interface GradientRows {

  /** Reports nothing: for commands that do not publish metrics. */
  GradientRows NONE = (model, rows) -> {};

  void computed(String model, long rows);
}
