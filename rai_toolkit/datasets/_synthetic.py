"""Synthetic binary classification data with a known, parameterised disparity."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._scalars import (
    SeedLike,
    as_generator,
    check_fraction,
    check_int,
    check_memory,
    check_real,
)
from rai_toolkit.datasets._dataset import Dataset
from rai_toolkit.exceptions import ArgumentError

__all__ = ["make_biased_classification"]

#: Standard deviation of the Gaussian noise added to the linear score.
_NOISE_SD = 0.5
#: The feature that ``feature_bias`` shifts for group "b".
_BIASED_FEATURE = "x0"

_EMPTY_GROUP = (
    "group_proportion={proportion!r} with n_samples={n} gives group {group!r} no rows; both "
    "groups need at least one. Increase n_samples or move group_proportion away from 0 and 1."
)
#: Bytes per (row, feature) held at once: the true and recorded features and the frame.
_BYTES_PER_CELL = 3 * 8
#: Further bytes per row: group, proxy, score, labels and their frame columns.
_BYTES_PER_ROW = 12 * 8


#: Largest shift, in standard deviations, of ``feature_bias`` and ``proxy_strength``.
MAX_SHIFT = 10.0


def _example(argument: str, example: object) -> str:
    return f"Pass e.g. {argument}={example}."


def _check_shift(value: Any, *, argument: str, example: float) -> float:
    """Return a shift in standard deviations, within +-:data:`MAX_SHIFT`."""
    return check_real(
        value, argument=argument, low=-MAX_SHIFT, high=MAX_SHIFT,
        hint=f"A shift of {MAX_SHIFT:g} SDs already separates the groups. "
        + _example(argument, example),
    )


@public
def make_biased_classification(
    n_samples: int = 10_000,
    *,
    group_proportion: float = 0.5,
    label_bias: float = 0.0,
    feature_bias: float = 0.0,
    n_features: int = 5,
    proxy_strength: float = 1.0,
    random_state: SeedLike = None,
) -> Dataset:
    """Generate binary classification data whose unfairness is known exactly.

    Every row belongs to group ``"a"`` or ``"b"``. Features ``x0 .. x{n-1}``
    are independent standard normal in both groups, and the unbiased label is
    ``1`` when ``sum_j x_j / (j + 1) + noise > 0`` (noise normal with SD 0.5),
    so both groups have the same expected base rate of exactly 0.5. Two kinds
    of bias are then injected into group ``"b"`` only:

    * label bias: each positive label of group ``"b"`` is flipped to ``0``
      with probability ``label_bias``, so group ``"b"``'s expected base rate
      becomes ``0.5 * (1 - label_bias)`` and the expected demographic-parity
      difference of the observed labels is ``0.5 * label_bias``;
    * feature bias: the recorded ``x0`` of group ``"b"`` is lowered by
      ``feature_bias`` standard deviations (the label still depends on the
      true value), so a model trained on the recorded data under-scores
      group ``"b"`` (measurement bias).

    A ``proxy`` column carries no information about the label but is shifted
    by ``proxy_strength`` SDs for group ``"b"``, so a model can recover group
    membership through it.

    Parameters
    ----------
    n_samples : int, default=10_000
        Number of rows; at least 10.
    group_proportion : float, default=0.5
        Share of rows in group ``"b"``, strictly between 0 and 1. The group
        sizes are exact: ``round(n_samples * group_proportion)`` rows are "b".
    label_bias : float, default=0.0
        Probability in [0, 1] that a positive label of group ``"b"`` is
        recorded as ``0``.
    feature_bias : float, default=0.0
        Shift of ``x0`` for group ``"b"``, in standard deviations, between -10
        and 10; positive values lower the recorded ``x0`` (negative values raise it).
    n_features : int, default=5
        Number of informative features ``x0 .. x{n_features-1}``; at least 1.
    proxy_strength : float, default=1.0
        Mean difference of the ``proxy`` column between group "b" and "a", in
        standard deviations, between -10 and 10. ``0`` makes it pure noise.
    random_state : int, numpy.random.Generator, RandomState or None, default=None
        Seed or generator for reproducible output.

    Returns
    -------
    Dataset
        Named ``"biased_classification"`` with columns ``group``, ``x0`` ..,
        ``proxy`` and target ``y``; sensitive feature ``group``.
        ``metadata`` holds the ground truth: every parameter, the
        ``biased_feature`` (``"x0"``), the label ``coefficients``,
        ``noise_sd``, ``expected_base_rate`` per group,
        ``expected_demographic_parity_difference``, ``n_flipped`` and
        ``y_unbiased`` (the labels before label bias, aligned with the frame).

    Raises
    ------
    ArgumentError
        If an argument is outside the range given above; the message names it.

    Examples
    --------
    >>> from rai_toolkit.datasets import make_biased_classification
    >>> ds = make_biased_classification(1000, label_bias=0.4, random_state=0)
    >>> ds.metadata["expected_base_rate"]
    {'a': 0.5, 'b': 0.3}
    >>> ds.frame.groupby("group")["y"].mean().round(2).to_dict()
    {'a': 0.48, 'b': 0.29}
    """
    n_samples = check_int(
        n_samples, argument="n_samples", low=10, hint=_example("n_samples", 10_000)
    )
    n_features = check_int(n_features, argument="n_features", low=1, hint=_example("n_features", 5))
    group_proportion = check_fraction(
        group_proportion, argument="group_proportion", hint=_example("group_proportion", 0.3)
    )
    label_bias = check_fraction(
        label_bias, argument="label_bias", inclusive=True, hint=_example("label_bias", 0.2)
    )
    feature_bias = _check_shift(feature_bias, argument="feature_bias", example=0.5)
    proxy_strength = _check_shift(proxy_strength, argument="proxy_strength", example=1.0)
    rng = as_generator(random_state)
    check_memory(
        n_samples * (n_features * _BYTES_PER_CELL + _BYTES_PER_ROW),
        argument="n_samples",
        what=f"A synthetic data set of {n_samples:,} rows x {n_features:,} features",
        fix="Generate fewer rows (n_samples) or features (n_features).",
    )

    n_b = round(n_samples * group_proportion)
    for group, size in (("a", n_samples - n_b), ("b", n_b)):
        if size < 1:
            raise ArgumentError(
                _EMPTY_GROUP.format(proportion=group_proportion, n=n_samples, group=group)
            )

    is_b = rng.permutation(np.arange(n_samples) < n_b)
    true_x = rng.standard_normal((n_samples, n_features))
    coefficients = 1.0 / np.arange(1, n_features + 1)
    score = true_x @ coefficients + rng.normal(0.0, _NOISE_SD, n_samples)
    y_unbiased = (score > 0).astype("int64")

    flipped = is_b & (y_unbiased == 1) & (rng.random(n_samples) < label_bias)
    y = np.where(flipped, 0, y_unbiased).astype("int64")

    recorded_x = true_x.copy()
    recorded_x[:, 0] -= feature_bias * is_b
    proxy = proxy_strength * is_b + rng.standard_normal(n_samples)

    columns: dict[str, object] = {"group": np.where(is_b, "b", "a").astype(object)}
    for j in range(n_features):
        columns[f"x{j}"] = recorded_x[:, j]
    columns["proxy"] = proxy
    columns["y"] = y
    frame = pd.DataFrame(columns)

    expected_b = 0.5 * (1.0 - label_bias)
    metadata = {
        "n_samples": n_samples,
        "group_proportion": group_proportion,
        "label_bias": label_bias,
        "feature_bias": feature_bias,
        "n_features": n_features,
        "proxy_strength": proxy_strength,
        "random_state": random_state,
        "group_sizes": {"a": n_samples - n_b, "b": n_b},
        "privileged_group": "a",
        "unprivileged_group": "b",
        "biased_feature": _BIASED_FEATURE,
        "coefficients": {f"x{j}": float(c) for j, c in enumerate(coefficients)},
        "noise_sd": _NOISE_SD,
        "expected_base_rate": {"a": 0.5, "b": expected_b},
        "expected_demographic_parity_difference": 0.5 - expected_b,
        "n_flipped": int(flipped.sum()),
        "y_unbiased": pd.Series(y_unbiased, index=frame.index, name="y_unbiased"),
    }
    description = (
        f"Synthetic binary classification data ({n_samples} rows, {n_b} in group 'b') "
        f"generated by rai_toolkit.datasets.make_biased_classification. Group 'b' has "
        f"label_bias={label_bias:g} (share of its positive labels flipped to 0; expected base "
        f"rate a: 0.5, b: {expected_b:g}) and feature_bias={feature_bias:g} (its recorded "
        f"{_BIASED_FEATURE} is lowered by that many SDs). 'proxy' encodes group membership "
        f"with strength {proxy_strength:g} SD and no label information. Ground truth is in "
        f".metadata."
    )
    return Dataset(
        name="biased_classification",
        frame=frame,
        target="y",
        sensitive_features=["group"],
        categorical_features=["group"],
        description=description,
        metadata=metadata,
    )
