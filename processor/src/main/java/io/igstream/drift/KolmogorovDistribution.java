package io.igstream.drift;

/**
 * Survival function of the two-sided Kolmogorov-Smirnov statistic D_n of n observations, the
 * distribution scipy calls {@code kstwo}.
 *
 * <p>Each region of (n, d) gets the method Simard and L'Ecuyer (2011, "Computing the two-sided
 * Kolmogorov-Smirnov distribution") recommend, as scipy does: closed forms near the ends, the
 * Durbin matrix (exact) for small n or small n d, twice the exact one-sided Smirnov tail for large
 * n d^2, and the Pelz-Good expansion elsewhere. Past a million observations the one-sided sum
 * (linear in n) gives way to the limiting Kolmogorov series.
 */
public final class KolmogorovDistribution {

  private static final int SMALL_N = 140;
  private static final int DURBIN_MAX_N = 100_000;
  private static final int EXACT_TAIL_MAX_N = 1_000_000;
  private static final double LN2 = Math.log(2);
  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
  private static final double PI2 = Math.PI * Math.PI;

  private KolmogorovDistribution() {}

  /** P(D_n >= d) for n observations from a continuous distribution. */
  public static double survival(long n, double d) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, got " + n);
    }
    if (Double.isNaN(d)) {
      return Double.NaN;
    }
    if (d <= 0) {
      return 1;
    }
    if (d >= 1) {
      return 0;
    }
    double t = n * d;
    if (t <= 1) {
      // Ruben and Gambino: for 1/(2n) <= d <= 1/n the cdf is n!/n^n (2t - 1)^n.
      return t <= 0.5 ? 1 : clip(1 - factorialRatioTimesPower(n, 2 * t - 1));
    }
    if (t >= n - 1) {
      return clip(2 * Math.pow(1 - d, n));
    }
    if (d >= 0.5) {
      // Both one-sided excursions cannot exceed 1/2 at once, so the two tails add up exactly.
      return clip(2 * smirnovSurvival(n, d));
    }
    double nd2 = t * d;
    if (n <= SMALL_N) {
      return nd2 <= 4 ? clip(1 - durbinCdf(n, d)) : clip(2 * smirnovSurvival(n, d));
    }
    if (nd2 >= 370) {
      return 0;
    }
    if (nd2 >= 2.2) {
      return n <= EXACT_TAIL_MAX_N
          ? clip(2 * smirnovSurvival(n, d))
          : limitingSurvival(Math.sqrt(n) * d);
    }
    if (n <= DURBIN_MAX_N && n * Math.pow(d, 1.5) <= 1.4) {
      return clip(1 - durbinCdf(n, d));
    }
    return clip(1 - pelzGoodCdf(n, d));
  }

  /**
   * The limit of P(sqrt(n) D_n >= z) as n grows (scipy's {@code kstwobign.sf}), by the alternating
   * series, which converges fast for the z it is used at here.
   */
  public static double limitingSurvival(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    if (z <= 0) {
      return 1;
    }
    if (z < 1) {
      // The alternating series converges slowly for small z; the theta-function form is fast.
      return clip(1 - limitingCdfSmallZ(z));
    }
    double sum = 0;
    for (int k = 1; k <= 100; k++) {
      double term = Math.exp(-2.0 * k * k * z * z);
      sum += (k % 2 == 1) ? term : -term;
      if (term < 1e-18 * sum) {
        break;
      }
    }
    return clip(2 * sum);
  }

  private static double limitingCdfSmallZ(double z) {
    double sum = 0;
    for (int k = 1; k <= 100; k++) {
      double odd = 2 * k - 1;
      double term = Math.exp(-odd * odd * PI2 / (8 * z * z));
      sum += term;
      if (term < 1e-18 * sum) {
        break;
      }
    }
    return SQRT_2PI / z * sum;
  }

  /** n!/n^n x^n, by a product whose factors are all below 1, so it can only underflow. */
  private static double factorialRatioTimesPower(long n, double x) {
    double product = 1;
    for (long i = 1; i <= n && product > 0; i++) {
      product *= (double) i / n * x;
    }
    return product;
  }

  /**
   * P(D_n^+ >= d), exact, by the Birnbaum-Tingey sum d sum_j C(n,j) (1-d-j/n)^(n-j) (d+j/n)^(j-1),
   * evaluated term by term in logs.
   */
  static double smirnovSurvival(long n, double d) {
    long last = (long) Math.floor(n * (1 - d));
    double logBinomial = 0;
    double sum = 0;
    for (long j = 0; j <= last; j++) {
      if (j > 0) {
        logBinomial += Math.log((double) (n - j + 1) / j);
      }
      double low = 1 - d - (double) j / n;
      if (low <= 0) {
        break;
      }
      double high = d + (double) j / n;
      sum += Math.exp(logBinomial + (n - j) * Math.log(low) + (j - 1) * Math.log(high));
    }
    return d * sum;
  }

  /**
   * P(D_n < d) by Durbin's matrix method in the form of Marsaglia, Tsang and Wang (2003): with nd =
   * k - h, the (k, k) element of H^n times n!/n^n. Powers are rescaled by powers of two so that
   * they neither overflow nor underflow.
   */
  static double durbinCdf(long n, double d) {
    double nd = n * d;
    int k = (int) Math.ceil(nd);
    double h = k - nd;
    int m = 2 * k - 1;
    double[][] base = durbinMatrix(m, h);
    double[][] power = identity(m);
    long powerExponent = 0;
    long baseExponent = 0;
    for (long remaining = n; remaining > 0; remaining >>= 1) {
      if ((remaining & 1) == 1) {
        power = multiply(power, base);
        powerExponent += baseExponent;
        powerExponent += rescale(power);
      }
      if (remaining > 1) {
        base = multiply(base, base);
        baseExponent = 2 * baseExponent + rescale(base);
      }
    }
    double element = power[k - 1][k - 1];
    if (!(element > 0)) {
      return 0;
    }
    double logCdf = Math.log(element) + powerExponent * LN2;
    for (long i = 1; i <= n; i++) {
      logCdf += Math.log((double) i / n);
    }
    return Math.min(1, Math.exp(logCdf));
  }

  private static double[][] durbinMatrix(int m, double h) {
    double[] inverseFactorial = new double[m + 1];
    inverseFactorial[0] = 1;
    for (int i = 1; i <= m; i++) {
      inverseFactorial[i] = inverseFactorial[i - 1] / i;
    }
    double[][] matrix = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        if (i - j + 1 >= 0) {
          matrix[i][j] = inverseFactorial[i - j + 1];
        }
      }
    }
    for (int i = 0; i < m; i++) {
      matrix[i][0] = (1 - Math.pow(h, i + 1)) * inverseFactorial[i + 1];
      matrix[m - 1][i] = (1 - Math.pow(h, m - i)) * inverseFactorial[m - i];
    }
    matrix[m - 1][0] =
        (1 - 2 * Math.pow(h, m) + Math.pow(Math.max(0, 2 * h - 1), m)) * inverseFactorial[m];
    return matrix;
  }

  private static double[][] identity(int m) {
    double[][] matrix = new double[m][m];
    for (int i = 0; i < m; i++) {
      matrix[i][i] = 1;
    }
    return matrix;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int m = a.length;
    double[][] product = new double[m][m];
    for (int i = 0; i < m; i++) {
      double[] row = product[i];
      for (int l = 0; l < m; l++) {
        double factor = a[i][l];
        if (factor == 0) {
          continue;
        }
        double[] other = b[l];
        for (int j = 0; j < m; j++) {
          row[j] += factor * other[j];
        }
      }
    }
    return product;
  }

  /** Divides the matrix by 2^e so that its largest element is near 1; returns e. */
  private static int rescale(double[][] matrix) {
    double largest = 0;
    for (double[] row : matrix) {
      for (double value : row) {
        largest = Math.max(largest, Math.abs(value));
      }
    }
    if (largest == 0 || !Double.isFinite(largest)) {
      return 0;
    }
    int exponent = Math.getExponent(largest);
    if (Math.abs(exponent) < 64) {
      return 0;
    }
    for (double[] row : matrix) {
      for (int j = 0; j < row.length; j++) {
        row[j] = Math.scalb(row[j], -exponent);
      }
    }
    return exponent;
  }

  /**
   * The Pelz-Good (1976) expansion P(D_n < d) ~ K0(z) + K1(z)/sqrt n + K2(z)/n + K3(z)/n^1.5 with z
   * = d sqrt n, each K_i written as theta-function sums that converge fast for moderate z.
   */
  static double pelzGoodCdf(long n, double d) {
    double z = Math.sqrt(n) * d;
    double z2 = z * z;
    double z4 = z2 * z2;
    double z6 = z4 * z2;
    double z8 = z4 * z4;
    double pi4 = PI2 * PI2;
    double pi6 = pi4 * PI2;
    double k0 = 0;
    double k1 = 0;
    double k2 = 0;
    double k3 = 0;
    double k2Even = 0;
    double k3Even = 0;
    int terms = (int) Math.ceil(16 * z / Math.PI) + 2;
    for (int k = 1; k <= terms; k++) {
      // Odd multiples of pi/2: u = (k - 1/2)^2 pi^2.
      double half = k - 0.5;
      double u = half * half * PI2;
      double odd = Math.exp(-u / (2 * z2));
      k0 += odd;
      k1 += (u - z2) * odd;
      k2 += (6 * z6 + 2 * z4 + (2 * z4 - 5 * z2) * u + (1 - 2 * z2) * u * u) * odd;
      k3 +=
          ((5 - 30 * z2) * u * u * u
                  + (212 * z4 - 60 * z2) * u * u
                  + (135 * z4 - 96 * z6) * u
                  - 30 * z6
                  - 90 * z8)
              * odd;
      // Whole multiples of pi: v = k^2 pi^2.
      double v = (double) k * k * PI2;
      double even = Math.exp(-v / (2 * z2));
      k2Even += v * even;
      k3Even += (3 * z2 - v) * v * even;
    }
    double rootHalfPi = Math.sqrt(Math.PI / 2);
    double c0 = SQRT_2PI / z * k0;
    double c1 = rootHalfPi / (3 * z4) * k1;
    double c2 = rootHalfPi / (36 * z * z6) * k2 - rootHalfPi / (18 * z2 * z) * k2Even;
    double c3 = rootHalfPi / (3240 * z4 * z6) * k3 + rootHalfPi / (108 * z6) * k3Even;
    double rootN = Math.sqrt(n);
    return c0 + c1 / rootN + c2 / n + c3 / (n * rootN);
  }

  private static double clip(double p) {
    return Math.max(0, Math.min(1, p));
  }
}
