"""Reference values for the io.igstream.drift tests, computed once and pasted into them.

The Java build never runs this. To re-run it:

    python3 -m venv /tmp/driftvenv
    /tmp/driftvenv/bin/pip install -r tools/drift/requirements.txt
    /tmp/driftvenv/bin/python tools/drift/reference_values.py

Every value comes from scipy, numpy, scikit-learn or Evidently itself, never from our Java code.
Data sets the tests rebuild in Java use only integer arithmetic and one division per value, so
both languages produce bit-identical doubles.
"""

import math

import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy import stats
from scipy.spatial.distance import jensenshannon
from sklearn.metrics import ndcg_score

import evidently
from evidently.legacy.calculations.stattests.psi import _psi as evidently_psi
from evidently.legacy.calculations.stattests.wasserstein_distance_norm import (
    _wasserstein_distance_norm as evidently_wasserstein_norm,
)
from evidently.legacy.core import ColumnType


def show(name, value):
    print(f"{name} = {float(value)!r}")


def as_categories(counts):
    """A sample holding counts[i] copies of category i, as Evidently's categorical path sees it."""
    return pd.Series(np.repeat(np.arange(len(counts)), counts))


def shares(counts):
    counts = np.asarray(counts, dtype=float)
    return counts / counts.sum()


def binned(name, reference, current):
    p, q = shares(reference), shares(current)
    keep = (np.asarray(reference) > 0) | (np.asarray(current) > 0)
    jsd = jensenshannon(p, q, base=2) ** 2
    hellinger = np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)) / np.sqrt(2)
    linf = np.max(np.abs(p - q))
    psi, _ = evidently_psi(
        as_categories(reference), as_categories(current), ColumnType.Categorical, 0.1
    )
    print(f"-- {name}: reference {reference}, current {current}, non-empty bins {keep.sum()}")
    show("  jsdBits (scipy jensenshannon base 2, squared)", jsd)
    show("  psi (Evidently _psi, categorical)", psi)
    show("  hellinger (numpy)", hellinger)
    show("  lInfinity (numpy)", linf)
    n, m = int(np.sum(reference)), int(np.sum(current))
    ne = n * m / (n + m)
    show(
        f"  noDriftPValue = chi2.sf(8 ln2 n_e jsd, {keep.sum() - 1}), n={n} m={m}",
        stats.chi2.sf(8 * math.log(2) * ne * jsd, keep.sum() - 1),
    )


def ks(name, reference, current):
    result = stats.ks_2samp(reference, current, method="asymp")
    n, m = len(reference), len(current)
    print(f"-- {name}: n={n} m={m} n_e={n * m / (n + m)!r} rounded {np.round(n * m / (n + m))}")
    show("  ks_2samp asymp statistic", result.statistic)
    show("  ks_2samp asymp pvalue", result.pvalue)
    exact = stats.ks_2samp(reference, current, method="exact")
    show("  (for comparison) ks_2samp exact pvalue", exact.pvalue)


def wasserstein(name, reference, current):
    reference = np.asarray(reference, dtype=float)
    current = np.asarray(current, dtype=float)
    value, _ = evidently_wasserstein_norm(
        pd.Series(reference), pd.Series(current), ColumnType.Numerical, 0.1
    )
    print(f"-- {name}")
    show("  Evidently _wasserstein_distance_norm", value)
    show(
        "  scipy wasserstein_distance / max(np.std(ref), 0.001)",
        stats.wasserstein_distance(reference, current) / max(np.std(reference), 0.001),
    )


def modular_sample(count, multiplier, modulus, scale=1.0, shift=0.0):
    """((i * multiplier) mod modulus) / modulus * scale + shift, as the Java tests rebuild it."""
    return np.array(
        [((i * multiplier) % modulus) / modulus * scale + shift for i in range(count)]
    )


print(f"scipy {scipy.__version__}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
      f"evidently {evidently.__version__}, pandas {pd.__version__}")

print("\n== Binned distances")
binned("reversed", [10, 20, 30, 40], [40, 30, 20, 10])
binned("empty in reference", [50, 30, 20, 0], [40, 30, 20, 10])
binned("tiny share in reference", [20000, 1, 0], [10000, 5000, 5000])
binned("empty in both and in one", [10, 0, 0, 10], [5, 0, 10, 5])
binned("noise-sized", [98, 105, 97, 100, 102, 99, 101, 96, 103, 99],
       [81, 86, 77, 83, 80, 85, 79, 84, 82, 81])

print("\n== Kolmogorov distribution kstwo.sf(d, n) and kstwobign.sf(z)")
for n, d in [(5, 0.15), (5, 0.9), (20, 0.6), (20, 0.15), (100, 0.25), (1000, 0.06),
             (1000, 0.03), (1000, 0.01), (50000, 0.005), (200000, 0.004),
             (5000000, 0.001), (5000000, 0.0003)]:
    show(f"  kstwo.sf({d}, {n})", stats.kstwo.sf(d, n))
for z in [0.5, 1.0, 1.36, 2.0]:
    show(f"  kstwobign.sf({z})", stats.kstwobign.sf(z))

print("\n== Kolmogorov-Smirnov, small samples")
small_ref = [0.61, -0.29, 1.06, 0.35, -1.73, 0.35, 0.51, -0.56]
small_cur = [1.2, 0.35, 1.95, 0.87, 2.41, -0.12, 1.33, 0.61, 1.78, 0.95]
ks("8 vs 10 with ties", small_ref, small_cur)
mid_ref = modular_sample(50, 37, 101)
mid_cur = modular_sample(60, 41, 103, 1.0, 0.15)
ks("50 vs 60 modular", mid_ref, mid_cur)
big_ref = modular_sample(400, 7919, 1009)
big_cur = modular_sample(300, 104729, 997, 1.1, 0.02)
ks("400 vs 300 modular", big_ref, big_cur)

print("\n== Kolmogorov-Smirnov, 10,000 vs 10,000 (the sketch test's data)")
sketch_ref = modular_sample(10000, 7919, 10007)
sketch_cur = modular_sample(10000, 7919, 10007, 0.9, 0.08)
ks("10000 vs 10000 modular", sketch_ref, sketch_cur)
wasserstein("10000 vs 10000 modular", sketch_ref, sketch_cur)

print("\n== Normed Wasserstein")
wasserstein("8 vs 10 with ties", small_ref, small_cur)
wasserstein("constant reference", [2.0, 2.0, 2.0], [2.0, 3.0])

print("\n== Empirical distribution moments (numpy)")
sample = [3.0, 1.0, 2.0, 2.0, 5.0]
show("  np.mean", np.mean(sample))
show("  np.std", np.std(sample))

print("\n== NDCG (scikit-learn ndcg_score, which the SageMaker docs link to)")
show("  SageMaker example", ndcg_score([[0.70, 0.50, 0.05]], [[0.10, 0.20, 0.70]]))
baseline = [0.90, 0.75, 0.60, 0.42, 0.30, 0.21, 0.12, 0.05]
current = [0.50, 0.80, 0.55, 0.10, 0.35, 0.05, 0.20, 0.01]
show("  8 features", ndcg_score([baseline], [current]))
show("  8 features, k=3 (for information)", ndcg_score([baseline], [current], k=3))
# A feature missing from current ranks last: give it a score below every other.
show("  c missing from current", ndcg_score([[4.0, 2.0, 1.0]], [[1.0, 3.0, -1.0]]))

print("\n== Spearman (scipy.stats.spearmanr)")
x = [0.3, 0.1, 0.3, 0.7, 0.2, 0.7, 0.7, 0.05]
y = [0.25, 0.1, 0.4, 0.6, 0.1, 0.9, 0.5, 0.1]
show("  with ties", stats.spearmanr(x, y).statistic)
x = [0.9, 0.8, 0.5, 0.4, 0.1]
y = [0.2, 0.7, 0.6, 0.3, 0.9]
show("  without ties", stats.spearmanr(x, y).statistic)
