package io.igstream.ig;

import java.util.Locale;

/**
 * Noise-averaged variants of IG (captum's NoiseTunnel): a full IG per noisy copy of the input,
 * combined by the variant. Noise is Gaussian with an absolute standard deviation {@code sigma},
 * added in the attributed space, and seeded per event so that results are reproducible and do not
 * depend on batching.
 */
public record Smoothing(Variant variant, double sigma, int samples, long seed) {

  /** How the per-sample attributions are combined. */
  public enum Variant {
    NONE,
    /** Mean of the attributions. */
    SMOOTHGRAD,
    /** Mean of the squared attributions. */
    SMOOTHGRAD_SQ,
    /** Variance of the attributions. */
    VARGRAD;

    public String externalName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Variant fromExternalName(String name) {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
  }

  public static final Smoothing NONE = new Smoothing(Variant.NONE, 0, 1, 0);

  public Smoothing {
    if (variant != Variant.NONE && (samples < 1 || !(sigma >= 0))) {
      throw new IllegalArgumentException("smoothing needs samples >= 1 and sigma >= 0");
    }
    if (variant == Variant.NONE) {
      samples = 1;
    }
  }
}
