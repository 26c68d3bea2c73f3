package io.igstream.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Seeded synthetic explained events for drift tests: two numeric features and a category. */
final class SyntheticObservations {

  private SyntheticObservations() {}

  /**
   * Events where {@code age ~ N(40 + shift, 10)}, {@code income ~ lognormal}, {@code plan} in {0,
   * 1, 2}; attributions are a linear model's {@code w * (x - mean)} with weights {@code weights},
   * so a change of weights changes what the model relies on.
   */
  static List<Observation> generate(int n, long seed, double ageShift, double[] weights) {
    Random random = new Random(seed);
    List<Observation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double age = 40 + ageShift + 10 * random.nextGaussian();
      double income = Math.exp(10 + 0.5 * random.nextGaussian());
      double plan = random.nextInt(3);
      double aAge = weights[0] * (age - 40) / 10;
      double aIncome = weights[1] * (Math.log(income) - 10) / 0.5;
      double aPlan = weights[2] * (plan - 1);
      double f = aAge + aIncome + aPlan;
      out.add(
          new Observation(
              Map.of("age", age, "income", income, "plan", plan),
              Map.of("age", aAge, "income", aIncome, "plan", aPlan),
              f > 0 ? 1 : 0,
              f,
              Math.abs(random.nextGaussian()) * 0.002,
              "hash-1"));
    }
    return out;
  }

  static final double[] WEIGHTS = {2.0, 1.0, 0.5};
}
