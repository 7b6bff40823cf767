"""Thousands of groups or a huge n_boot: exact results in O(n_boot x n_groups) memory, or a refusal.

The simultaneous intervals need the largest studentized gap over all pairs of
groups in every replicate, and the extremes of the pairwise bounds. Materialising
every pair (what schema 1.2 did) takes O(n_boot x n_groups^2) memory: 9.3 GiB for
5,000 groups at n_boot=100. The bounded row search gives the same numbers from
per-group arrays; these tests check that equality against the materialised
computation where it fits, the memory of the new one, and the up-front refusal.
"""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest

import rai_toolkit._scalars as _scalars
import rai_toolkit.fairness._disparities as disparities
from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.fairness import analyze_fairness
from rai_toolkit.fairness._disparities import (
    Block,
    _nan_quantiles,
    _pair_extreme,
    critical_value,
    disparity_bounds,
    pair_max,
)


def _random_deviations(rng: np.random.Generator, n_boot: int, n_groups: int):
    """Replicate deviations and spreads with the awkward cases: still groups, ties, outliers."""
    tau = rng.gamma(2.0, 0.05, n_groups) * rng.choice([0.1, 1.0, 10.0], n_groups)
    dev = rng.normal(size=(n_boot, n_groups)) * tau
    still = rng.random(n_groups) < 0.15
    tau[still] = 0.0
    dev[:, still] = rng.choice([0.0, 0.0, 0.01], still.sum())  # mostly 0, sometimes apart
    dev[:, rng.integers(n_groups)] = dev[:, rng.integers(n_groups)]  # tied columns
    dev = np.round(dev, int(rng.integers(2, 8)))  # ties within rows
    return dev, tau


@pytest.mark.parametrize("seed", range(40))
def test_bounded_pair_maxima_equal_all_pairs(seed):
    rng = np.random.default_rng(seed)
    n_boot, n_groups = int(rng.integers(1, 60)), int(rng.integers(2, 120))
    dev, tau = _random_deviations(rng, n_boot, n_groups)
    direct = pair_max(dev, tau, direct=True)
    bounded = pair_max(dev, tau, direct=False)
    assert np.array_equal(direct, bounded)
    # and the direct one is the definition: every pair materialised at once
    i, j = np.triu_indices(n_groups, k=1)
    num = np.abs(dev[:, i] - dev[:, j])
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(num == 0, 0.0, num / np.sqrt(tau[i] ** 2 + tau[j] ** 2))
    assert np.array_equal(direct, t.max(axis=1))


@pytest.mark.parametrize("seed", range(40))
def test_pair_extremes_equal_all_ordered_pairs(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300))
    gain = np.round(rng.normal(size=n), 3)
    near, far = rng.exponential(0.1, n), rng.exponential(0.1, n)
    near[rng.random(n) < 0.1] = 0.0
    i, j = np.nonzero(~np.eye(n, dtype=bool))
    upper = (gain[i] - gain[j]) + np.sqrt(near[i] ** 2 + far[j] ** 2)
    lower = (gain[i] - gain[j]) - np.sqrt(near[i] ** 2 + far[j] ** 2)
    assert _pair_extreme(gain, near, far, sign=1.0, floor=-np.inf) == upper.max()
    assert _pair_extreme(gain, near, far, sign=-1.0, floor=0.0) == max(0.0, lower.max())


def _materialised_bounds(point, reps, ci, unit):
    """The documented method with every pair materialised (the O(n_boot x n_groups^2) way)."""
    f = (lambda m: np.arcsin(np.sqrt(np.clip(m, 0, 1)))) if unit else (lambda m: m)
    back = (lambda y: np.sin(np.clip(y, 0, np.pi / 2)) ** 2) if unit else (lambda y: y)
    x = f(point)
    dev = f(reps) - x
    tau = dev.std(axis=0, ddof=1)
    i, j = np.triu_indices(point.size, k=1)
    num = np.abs(dev[:, i] - dev[:, j])
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(num == 0, 0.0, num / np.sqrt(tau[i] ** 2 + tau[j] ** 2))
    c = critical_value(t.max(axis=1), ci=ci)
    lower = np.minimum(back(x - c * tau), point)
    upper = np.maximum(back(x + c * tau), point)
    a, b = np.nonzero(~np.eye(point.size, dtype=bool))
    d = point[a] - point[b]
    high = (d + np.sqrt((upper - point)[a] ** 2 + (point - lower)[b] ** 2)).max()
    low = max(0.0, (d - np.sqrt((point - lower)[a] ** 2 + (upper - point)[b] ** 2)).max())
    return low, min(high, 1.0) if unit else high


@pytest.mark.parametrize("seed", range(20))
def test_difference_bounds_equal_the_materialised_computation(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    n_groups, n_boot = int(rng.integers(2, 40)), int(rng.integers(100, 400))
    sizes = rng.integers(20, 800, n_groups)
    point = rng.binomial(sizes, rng.uniform(0.05, 0.6, n_groups)) / sizes
    reps = rng.binomial(sizes, point, size=(n_boot, n_groups)) / sizes
    for unit in (True, False):
        expected = _materialised_bounds(point, reps, 0.95, unit)
        results = []
        for threshold in (0, 10**12):  # the bounded search, then all pairs at once
            monkeypatch.setattr(disparities, "_DIRECT_PAIRS", threshold)
            found = disparity_bounds([Block(point, reps, None, unit)], ci=0.95)
            results.append(found.difference)
        assert results[0] == results[1]
        assert results[0] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_pairwise_step_of_5000_groups_needs_megabytes_not_gigabytes():
    rng = np.random.default_rng(0)
    n_boot, n_groups = 100, 5000
    sizes = rng.integers(5, 40, n_groups)
    point = rng.binomial(sizes, 0.3) / sizes
    reps = rng.binomial(sizes, point, size=(n_boot, n_groups)) / sizes
    tracemalloc.start()
    found = disparity_bounds([Block(point, reps, None, True, sizes)], ci=0.95)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert 0.0 <= found.difference[0] <= found.difference[1] <= 1.0
    # all pairs: 12.5 million pairs x 100 replicates x 8 bytes = 9.3 GiB per array
    assert peak < 100 * 2**20, peak / 2**20


def id_column_frame(n_groups: int = 5000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 20 * n_groups
    return pd.DataFrame(
        {
            "person": rng.integers(0, n_groups, n).astype(str),
            "y": rng.integers(0, 2, n),
            "pred": rng.integers(0, 2, n),
        }
    )


def test_an_id_like_sensitive_column_is_analysed_in_bounded_memory():
    frame = id_column_frame()
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(
            None, frame, target="y", sensitive_features="person", y_pred="pred", n_boot=100,
            random_state=0,
        )  # fmt: skip
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(report.groups) == 5000
    assert peak < 1024 * 2**20, peak / 2**20
    dp = report.verdicts.loc["demographic_parity"]
    assert dp["lower"] <= dp["value"] <= dp["upper"]
    # groups have about 20 rows: nearly all are below min_group_size=30 and left out
    assert len(dp["excluded_groups"]) > 4500
    small = report.warning_records[0]
    assert len(small.groups) == len(report.small_groups) > 4500
    assert f"and {len(small.groups) - 20} more" in small.message


def test_a_huge_n_boot_is_refused_before_anything_is_allocated():
    frame = id_column_frame(n_groups=3)
    tracemalloc.start()
    with pytest.raises(ArgumentError, match=r"n_boot=1000000000 .* GiB .* pass n_boot=\d+ or less"):
        analyze_fairness(None, frame, target="y", sensitive_features="person", y_pred="pred",
                         n_boot=10**9)  # fmt: skip
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 200 * 2**20


def test_a_numpy_integer_n_boot_cannot_overflow_the_estimate():
    frame = id_column_frame(n_groups=3)
    with pytest.raises(ArgumentError, match=r"n_boot=4611686018427387904 .* GiB"):
        analyze_fairness(None, frame, target="y", sensitive_features="person", y_pred="pred",
                         n_boot=np.int64(2**62))  # fmt: skip


def test_too_many_groups_for_the_memory_say_to_bin_or_drop_the_column(monkeypatch):
    monkeypatch.setattr(_scalars, "memory_limit", lambda: 40 * 2**20)
    with pytest.raises(
        ArgumentError,
        match=r"5,000 group\(s\) of 'person'.* pass n_boot=0 .*bins=.*drop an ID-like column",
    ):
        analyze_fairness(None, id_column_frame(), target="y", sensitive_features="person",
                         y_pred="pred", n_boot=100)  # fmt: skip
    # without intervals the same call fits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(None, id_column_frame(), target="y",
                                  sensitive_features="person", y_pred="pred", n_boot=0)  # fmt: skip
    assert len(report.groups) == 5000


def test_percentile_bounds_with_undefined_replicates_equal_numpy():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(300, 40, 5))
    values[rng.random(values.shape) < 0.3] = np.nan
    values[:, 0, 0] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanquantile(values, [0.025, 0.975], axis=0)
    for got, want in zip(_nan_quantiles(values, (0.025, 0.975)), expected):
        assert np.array_equal(got, want, equal_nan=True)


@pytest.mark.parametrize("dense", [True, False])
def test_marginal_groups_sum_the_intersectional_tables(dense, monkeypatch):
    import rai_toolkit.fairness._groups as groups_module
    from rai_toolkit.fairness._groups import encode_groups

    if not dense:  # the path of an ID-like column: no groups x groups matrix
        monkeypatch.setattr(groups_module, "_DENSE_MERGE", 0)

    rng = np.random.default_rng(0)
    sensitive = pd.DataFrame(
        {"a": rng.choice(["x", "y", "z"], 500), "b": rng.choice(["p", "q"], 500)}
    )
    groups = encode_groups(sensitive)
    table = rng.integers(0, 9, size=(4, groups.n_groups, 2, 2, 3)).astype(float)
    for position, feature in enumerate(["a", "b"]):
        grouping = groups.marginal(position)
        labels = np.array([groups.levels[position][c] for c in groups.level_codes[:, position]])
        dense = (labels[None, :] == np.asarray(grouping.index)[:, None]).astype(float)
        expected = np.einsum("hg,bgijk->bhijk", dense, table)
        assert np.array_equal(grouping.aggregate(table, axis=-4), expected)
        flat = grouping.aggregate(table[0, :, 0, 0, :], axis=0)
        assert np.array_equal(flat, expected[0, :, 0, 0])
        assert grouping.index.name == feature
    overall = groups.overall().aggregate(table, axis=1)
    assert np.array_equal(overall, table.sum(axis=1, keepdims=True))


def test_calibration_noise_draws_do_not_depend_on_the_chunk_size(monkeypatch):
    import rai_toolkit.fairness._metrics as metrics
    from rai_toolkit.fairness._cells import build_cells

    rng = np.random.default_rng(4)
    codes = rng.integers(0, 30, 2000)
    score = rng.random(2000) ** 2
    table = build_cells(codes, 30, rng.random(2000) < score, score > 0.5, score)

    def noise():
        return metrics.calibration_noise(
            table.counts, table.sum_s, table.calibration_map, rng=np.random.default_rng(7)
        )

    whole = noise()
    monkeypatch.setattr(metrics, "_NOISE_CHUNK", 1)
    assert np.array_equal(noise(), whole)
