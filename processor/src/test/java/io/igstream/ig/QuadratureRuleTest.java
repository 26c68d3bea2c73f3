package io.igstream.ig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QuadratureRuleTest {

  @ParameterizedTest
  @EnumSource(QuadratureRule.class)
  void weightsSumToOneAndPointsStayOnThePath(QuadratureRule rule) {
    for (int steps : new int[] {2, 3, 16, 50, 1024}) {
      Quadrature q = rule.points(steps);
      assertThat(Arrays.stream(q.weights()).sum()).isCloseTo(1.0, within(1e-12));
      assertThat(Arrays.stream(q.alphas()).min().orElseThrow()).isGreaterThanOrEqualTo(0.0);
      assertThat(Arrays.stream(q.alphas()).max().orElseThrow()).isLessThanOrEqualTo(1.0);
    }
  }

  @Test
  void gaussLegendreThreePointsMatchTheTabulatedRule() {
    Quadrature q = QuadratureRule.GAUSS_LEGENDRE.points(3);
    double r = Math.sqrt(3.0 / 5.0) / 2;
    assertThat(q.alphas()).containsExactly(new double[] {0.5 - r, 0.5, 0.5 + r}, within(1e-14));
    assertThat(q.weights())
        .containsExactly(new double[] {5.0 / 18, 8.0 / 18, 5.0 / 18}, within(1e-14));
  }

  @Test
  void gaussLegendreIsExactForPolynomialsUpToDegreeTwoNMinusOne() {
    for (int n : new int[] {1, 2, 5, 20, 64}) {
      Quadrature q = QuadratureRule.GAUSS_LEGENDRE.points(n);
      for (int degree = 0; degree <= 2 * n - 1 && degree <= 60; degree++) {
        double integral = 0;
        for (int k = 0; k < n; k++) {
          integral += q.weights()[k] * Math.pow(q.alphas()[k], degree);
        }
        assertThat(integral)
            .as("n=%d degree=%d", n, degree)
            .isCloseTo(1.0 / (degree + 1), within(1e-12));
      }
    }
  }

  @Test
  void riemannAndTrapezoidPointsAreTheTextbookOnes() {
    assertThat(QuadratureRule.RIEMANN_LEFT.points(4).alphas()).containsExactly(0, 0.25, 0.5, 0.75);
    assertThat(QuadratureRule.RIEMANN_RIGHT.points(4).alphas()).containsExactly(0.25, 0.5, 0.75, 1);
    assertThat(QuadratureRule.RIEMANN_MIDDLE.points(4).alphas())
        .containsExactly(0.125, 0.375, 0.625, 0.875);
    Quadrature trapezoid = QuadratureRule.TRAPEZOID.points(5);
    assertThat(trapezoid.alphas()).containsExactly(0, 0.25, 0.5, 0.75, 1);
    assertThat(trapezoid.weights()).containsExactly(0.125, 0.25, 0.25, 0.25, 0.125);
  }

  @Test
  void parsesExternalNamesAndListsThemWhenUnknown() {
    assertThat(QuadratureRule.fromExternalName("Gauss_Legendre"))
        .isEqualTo(QuadratureRule.GAUSS_LEGENDRE);
    assertThatThrownBy(() -> QuadratureRule.fromExternalName("simpson"))
        .hasMessageContaining("riemann_middle");
    assertThatThrownBy(() -> QuadratureRule.TRAPEZOID.points(1)).hasMessageContaining("at least 2");
  }
}
