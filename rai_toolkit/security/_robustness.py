"""Robustness to small input perturbations, measured as prediction flip rates."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._result import Summary, documented_to_dict
from rai_toolkit._scalars import SeedLike, as_generator, check_int, check_memory, check_real
from rai_toolkit._validation import (
    CheckedData,
    call_model,
    check_data_frame,
    prepare_data,
    resolve_columns,
)
from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.security._result import SecurityResult
from rai_toolkit.security._serialize import frame_records, json_safe

__all__ = ["FLIP_RATE_CONCERN", "RobustnessReport", "check_robustness", "measure_robustness"]

_FEATURE_COLUMNS = ["feature", "kind", "scale", "scale_basis", "flip_rate", "n_evaluations"]
#: Overall flip rate above which predictions count as unstable (a robustness concern).
FLIP_RATE_CONCERN = 0.05

#: Bytes per perturbed cell held at once: the tiled copy, one perturbed copy and the model's.
_BYTES_PER_CELL = 3 * 8

_NOISE_TEXT = (
    "numeric noise of +/-{epsilon:g} x IQR, clipped to each column's observed range and "
    "rounded for integer columns"
)


class RobustnessReport(SecurityResult):
    """Result of :func:`check_robustness`.

    Attributes
    ----------
    overall : pandas.Series
        Flip rates ``numeric``, ``categorical`` and ``overall``.
    by_feature : pandas.DataFrame
        Flip rate of each perturbed feature, most fragile first.
    by_group : pandas.DataFrame
        Flip rates per group of each sensitive feature, with counts.
    gaps : pandas.Series
        Largest minus smallest ``overall`` flip rate across groups, per sensitive feature.
    interpretation : str
        Plain-language summary.
    """

    def __init__(
        self,
        *,
        overall: pd.Series,
        by_feature: pd.DataFrame,
        by_group: pd.DataFrame,
        epsilon: float,
        n_repeats: int,
        n_rows: int,
    ) -> None:
        self._overall = overall
        self._by_feature = by_feature
        self._by_group = by_group
        self._epsilon = float(epsilon)
        self._n_repeats = int(n_repeats)
        self._n_rows = int(n_rows)
        if len(by_group):
            grouped = by_group["overall"].groupby(level="sensitive_feature", sort=False)
            self._gaps = (grouped.max() - grouped.min()).rename("gap")
        else:
            self._gaps = pd.Series(dtype=float, name="gap")
        self._interpretation = self._interpret()

    @property
    def overall(self) -> pd.Series:
        """Flip rates ``numeric``, ``categorical`` and ``overall``.

        ``numeric``: all numeric features jittered together; ``categorical``: mean
        over single categorical swaps; ``overall``: both at once. NaN when the data
        has no feature of that kind.
        """
        return self._overall.copy()

    @property
    def by_feature(self) -> pd.DataFrame:
        """Per-feature flip rate, most fragile first.

        Columns: ``feature``, ``kind`` (``"numeric"``/``"categorical"``), ``scale``
        (noise half-width, NaN for categorical), ``scale_basis`` (how ``scale`` was
        derived, ``None`` for categorical; see below), ``flip_rate`` (NaN when the
        feature cannot be perturbed) and ``n_evaluations`` (rows x repeats).

        ``scale_basis`` is ``"iqr"`` (``epsilon`` x the column's IQR),
        ``"iqr_non_modal"`` (the IQR is 0 because one value, e.g. 0, fills half
        of the column or more: ``epsilon`` x the IQR of the other values),
        ``"std"`` (those are all equal too: ``epsilon`` x the standard deviation),
        ``"constant"`` (not perturbed) or ``"below_integer_step"`` (an integer
        column whose half-width is at most 0.5, so rounding would undo any
        noise: not perturbed).
        """
        return self._by_feature.copy()

    @property
    def by_group(self) -> pd.DataFrame:
        """Flip rates per group, indexed by (``sensitive_feature``, ``group``).

        Columns: ``count`` (rows in the group), ``numeric``, ``categorical`` and
        ``overall`` flip rates of the group's rows.
        """
        return self._by_group.copy()

    @property
    def concern_threshold(self) -> float:
        """Overall flip rate above which predictions count as unstable (``FLIP_RATE_CONCERN``)."""
        return FLIP_RATE_CONCERN

    @property
    def concern(self) -> bool:
        """Whether the overall flip rate is above :attr:`concern_threshold`."""
        rate = self._overall["overall"]
        return bool(not pd.isna(rate) and rate > FLIP_RATE_CONCERN)

    @property
    def gaps(self) -> pd.Series:
        """Per sensitive feature, the largest minus the smallest group ``overall`` flip rate."""
        return self._gaps.copy()

    def _interpret(self) -> str:
        o = self._overall
        text = (
            f"Under small perturbations ({_NOISE_TEXT.format(epsilon=self._epsilon)}; single "
            f"swaps of a categorical value) {_pct(o['overall'])} of predictions flip "
            f"(numeric noise alone: {_pct(o['numeric'])}; one categorical swap: "
            f"{_pct(o['categorical'])})."
        )
        fragile = self._by_feature.dropna(subset=["flip_rate"])
        fragile = fragile[fragile["flip_rate"] > 0]
        if len(fragile):
            top = ", ".join(
                f"{f!s} ({r:.1%})" for f, r in zip(fragile["feature"][:3], fragile["flip_rate"][:3])
            )
            text += f" Most fragile features: {top}."
        for feature, gap in self._gaps.items():
            table = self._by_group.loc[feature]
            rates = table["overall"]
            if gap >= 0.01:
                lo, hi = rates.idxmin(), rates.idxmax()
                text += (
                    f" By {feature!s}, flip rates range from {rates[lo]:.1%} ({lo!s}, "
                    f"n={table.loc[lo, 'count']}) to {rates[hi]:.1%} ({hi!s}, "
                    f"n={table.loc[hi, 'count']}): people in less robust groups get less "
                    f"stable decisions."
                )
            elif rates.notna().any():
                text += f" Flip rates are similar across groups of {feature!s}."
        return text

    @documented_to_dict
    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-safe builtins.

        {to_dict_returns}

                {
                  "epsilon": float, "n_repeats": int, "n_rows": int,
                  "overall": {"numeric": float | None, "categorical": float | None,
                              "overall": float | None},
                  "by_feature": [{"feature": str, "kind": "numeric" | "categorical",
                                  "scale": float | None,
                                  "scale_basis": str | None (see by_feature),
                                  "flip_rate": float | None,
                                  "n_evaluations": int}, ...],
                  "by_group": [{"sensitive_feature": str, "group": str, "count": int,
                                "numeric": float | None, "categorical": float | None,
                                "overall": float | None}, ...],
                  "gaps": {sensitive_feature: float},
                  "interpretation": str,
                }
        """
        by_feature = self._by_feature.assign(feature=self._by_feature["feature"].map(str))
        by_group = self._by_group.reset_index()
        by_group["sensitive_feature"] = by_group["sensitive_feature"].map(str)
        by_group["group"] = by_group["group"].map(str)
        return {
            "epsilon": self._epsilon,
            "n_repeats": self._n_repeats,
            "n_rows": self._n_rows,
            "overall": json_safe(self._overall),
            "by_feature": frame_records(by_feature[_FEATURE_COLUMNS]),
            "by_group": frame_records(by_group),
            "gaps": json_safe(self._gaps),
            "interpretation": self._interpretation,
        }

    def _summary(self) -> Summary:
        o = self._overall
        return Summary(
            title="Robustness",
            head=(
                f"epsilon={self._epsilon:g}, n_rows={self._n_rows}, "
                f"overall={_pct(o['overall'])}, numeric={_pct(o['numeric'])}, "
                f"categorical={_pct(o['categorical'])}"
            ),
            text=self._interpretation,
            tables=[
                ("Flip rate", self._overall.map(_pct).to_frame("flip rate").rename_axis("inputs")),
                ("By feature", self._by_feature),
                ("By group", self._by_group),
            ],
        )


def _pct(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.1%}"


def _is_numeric(column: pd.Series) -> bool:
    return (
        pd.api.types.is_numeric_dtype(column)
        and not pd.api.types.is_bool_dtype(column)
        and column.nunique(dropna=True) > 2
    )


class _Noise:
    """Noise of one numeric column: half-width, how it was derived, and the bounds."""

    def __init__(self, column: pd.Series, epsilon: float) -> None:
        values = column.astype(float).to_numpy()
        values = values[np.isfinite(values)]
        self.integer = pd.api.types.is_integer_dtype(column)
        self.dtype = column.dtype
        self.low = float(values.min()) if values.size else np.nan
        self.high = float(values.max()) if values.size else np.nan
        self.scale, self.basis = _noise_scale(values, epsilon)
        if self.scale > 0 and self.integer and self.scale <= 0.5:
            self.scale, self.basis = 0.0, "below_integer_step"

    def apply(self, column: pd.Series, rng: np.random.Generator) -> pd.Series:
        """Add uniform noise, clip to the observed range, round integer columns."""
        noisy = column.astype(float).to_numpy() + rng.uniform(-self.scale, self.scale, len(column))
        noisy = np.clip(noisy, self.low, self.high)
        if self.integer:
            noisy = np.round(noisy)
        out = pd.Series(noisy, index=column.index, name=column.name)
        return out.astype(self.dtype) if self.integer else out


def _noise_scale(values: np.ndarray, epsilon: float) -> tuple[float, str]:
    """Return the noise half-width of finite ``values`` and its basis (see ``by_feature``)."""
    if values.size == 0 or values.min() == values.max():
        return 0.0, "constant"
    q1, q3 = np.quantile(values, [0.25, 0.75])
    if q3 > q1:
        return float(epsilon * (q3 - q1)), "iqr"
    # One value fills at least half the column (e.g. capital_gain is 0 for most
    # people): the IQR is 0. The standard deviation is dominated by a few huge
    # values there, so use the spread of the values other than the mode.
    levels, counts = np.unique(values, return_counts=True)
    rest = values[values != levels[np.argmax(counts)]]
    q1, q3 = np.quantile(rest, [0.25, 0.75])
    if q3 > q1:
        return float(epsilon * (q3 - q1)), "iqr_non_modal"
    return float(epsilon * np.std(values)), "std"


def _swap(column: pd.Series, rng: np.random.Generator) -> pd.Series | None:
    """Replace every value by a different observed value, drawn by frequency."""
    counts = column.value_counts(dropna=True)
    if len(counts) < 2:
        return None
    levels = counts.index.to_numpy()
    p = counts.to_numpy(dtype=float) / counts.sum()
    cum = np.cumsum(p)
    starts = cum - p
    code = pd.Index(levels).get_indexer(column)  # -1 for missing values
    p_own = np.where(code >= 0, p[np.clip(code, 0, None)], 0.0)
    start_own = np.where(code >= 0, starts[np.clip(code, 0, None)], np.inf)
    u = rng.random(len(column)) * (1.0 - p_own)
    u = np.where(u >= start_own, u + p_own, u)  # skip the row's own level
    picked = np.minimum(np.searchsorted(cum, u, side="right"), len(levels) - 1)
    out = pd.Series(levels[picked], index=column.index, name=column.name)
    if isinstance(column.dtype, pd.CategoricalDtype):
        out = out.astype(column.dtype)
    return out


@public
def check_robustness(
    model: Any,
    data: pd.DataFrame,
    *,
    target: Hashable,
    sensitive_features: Hashable | Sequence[Hashable],
    epsilon: float = 0.1,
    n_repeats: int = 3,
    random_state: SeedLike = None,
    features: Sequence[Hashable] | None = None,
    bins: Mapping[Hashable, Any] | None = None,
    pos_label: Any = 1,
) -> RobustnessReport:
    """Measure how often a classifier's predictions flip under small perturbations.

    Two perturbations are applied to copies of ``data`` (the rows themselves
    are never changed):

    * **numeric** - uniform noise in ``[-s, s]`` with ``s = epsilon x IQR`` of the
      column, added to each numeric model input on its own and to all of them
      together. The result is clipped to the column's observed ``[min, max]``
      (so e.g. a capital gain never becomes negative) and, for integer columns,
      rounded back to integers of the same dtype. When the IQR is 0 because one
      value fills half the column or more (e.g. Adult's ``capital_gain`` is 0
      for 92% of people), ``s`` is ``epsilon`` x the IQR of the other values
      (the standard deviation if those are all equal): the standard deviation of
      such a column is set by a few very large values and would make the noise
      far from small. Constant columns, and integer columns with ``s <= 0.5``
      (which rounding would undo), are not perturbed. ``by_feature["scale_basis"]``
      records which rule gave each ``s``. Numeric columns with at most two
      distinct values are treated as categorical.
    * **categorical** - each value of one categorical column is replaced by a
      different value observed in that column, drawn by frequency; missing
      values are replaced by an observed value. Swapping a sensitive feature
      that is a model input is a counterfactual test.

    The ``overall`` rate applies all numeric noise plus one categorical swap
    (of a randomly chosen categorical column) per row. A flip is a predicted
    label different from the prediction on the unperturbed row; every rate is
    averaged over ``n_repeats`` random draws, and each perturbation set is
    predicted in one batched model call.

    Parameters
    ----------
    model : estimator
        Fitted classifier.
    data : pandas.DataFrame
        Rows to perturb, with the target and sensitive columns.
    target : hashable or pandas.Series
        Target column (not perturbed, used for validation); a named Series is
        matched to the rows by index.
    sensitive_features : hashable, pandas.Series or sequence of them
        Columns defining the groups of :attr:`RobustnessReport.by_group`.
    epsilon : float, default=0.1
        Noise half-width as a multiple of each numeric column's IQR (see above
        for columns whose IQR is 0); > 0.
    n_repeats : int, default=3
        Random draws per perturbation.
    random_state : int, numpy.random.Generator or RandomState, optional
        Seed.
    features : sequence of hashable, optional
        Model input columns when the model does not record ``feature_names_in_``;
        beside a model that does, it must name the same columns.
    bins : mapping, optional
        Bins for continuous sensitive features (as in :func:`analyze_fairness`).
    pos_label : object, default=1
        Positive class for binary targets.

    Returns
    -------
    RobustnessReport
        Flip rates overall, per feature and per group.

    Raises
    ------
    ArgumentError
        If ``epsilon`` <= 0, ``n_repeats`` < 1 (or so large the perturbed copies
        would not fit in memory), a bad ``random_state``, or the target is
        continuous (regression).
    DataValidationError, NotFittedError, ModelError
        As raised by :func:`rai_toolkit._validation.prepare_data`.

    Examples
    --------
    >>> from rai_toolkit.security import check_robustness
    >>> rep = check_robustness(model, test, target="income",
    ...                        sensitive_features="sex")  # doctest: +SKIP
    >>> rep.overall["overall"]  # doctest: +SKIP
    0.021
    """
    epsilon = check_real(
        epsilon,
        argument="epsilon",
        low=0.0,
        low_open=True,
        hint="It is the noise half-width as a multiple of each numeric column's IQR; use e.g. "
        "epsilon=0.1.",
    )
    n_repeats = check_int(n_repeats, argument="n_repeats", low=1)
    rng = as_generator(random_state)
    data = check_data_frame(data)
    columns = resolve_columns(
        data,
        target=target,
        sensitive_features=sensitive_features,
        features=features,
        model=model,
    )
    data, target = columns.data, columns.target
    # before the model is called: the model inputs are at most the columns of data
    n_columns = len(columns.features) if columns.features is not None else data.shape[1]
    _check_copies_fit(len(data), n_columns, n_repeats)
    checked = prepare_data(
        model,
        data,
        target=target,
        sensitive_features=columns.sensitive_features,
        features=columns.features,
        bins=bins,
        pos_label=pos_label,
    )
    return measure_robustness(
        model, data, checked, target=target, epsilon=epsilon, n_repeats=n_repeats, rng=rng
    )


def _check_copies_fit(n_rows: int, n_columns: int, n_repeats: int) -> None:
    check_memory(
        n_rows * n_repeats * (n_columns + 4) * _BYTES_PER_CELL,
        argument="n_repeats",
        what=f"n_repeats={n_repeats:,} perturbed copies of {n_rows:,} rows x {n_columns} "
        f"columns",
        fix="Use fewer repeats (the default is 3) or check fewer rows (e.g. data.sample(5000)).",
    )


def measure_robustness(
    model: Any,
    data: pd.DataFrame,
    checked: CheckedData,
    *,
    target: Hashable,
    epsilon: float = 0.1,
    n_repeats: int = 3,
    rng: np.random.Generator,
) -> RobustnessReport:
    """Measure flip rates over inputs that are already validated.

    :func:`check_robustness` calls it after validating its arguments;
    :func:`~rai_toolkit.report.assess` calls it with its one validated input.

    Parameters
    ----------
    model : estimator
        Fitted classifier.
    data : pandas.DataFrame
        Rows in the order of ``checked``, holding the model's input columns.
    checked : CheckedData
        Validated predictions, groups and model columns of ``data``.
    target : hashable
        Target column, for messages.
    epsilon : float, default=0.1
        Checked noise half-width (see :func:`check_robustness`).
    n_repeats : int, default=3
        Checked number of random draws.
    rng : numpy.random.Generator
        Source of the perturbations.

    Returns
    -------
    RobustnessReport
        Flip rates overall, per feature and per group.
    """
    _check_copies_fit(len(data), len(checked.features), n_repeats)
    if checked.task == "regression":
        raise ArgumentError(
            f"check_robustness measures flips of predicted labels, so it needs a classifier; "
            f"target {target!r} looks continuous. Pass a classification target."
        )
    X = data[checked.features].reset_index(drop=True)
    n = len(X)
    base = np.tile(np.asarray(checked.y_pred), n_repeats)
    tiled = pd.concat([X] * n_repeats, ignore_index=True)

    numeric = [c for c in checked.features if _is_numeric(X[c])]
    categorical = [c for c in checked.features if c not in numeric]

    def flips(frame: pd.DataFrame) -> np.ndarray:
        """Per-row flip rate (averaged over repeats) of one perturbation set."""
        pred = call_model(model, frame, "predict")
        if pred.ndim > 1 and pred.shape[1] == 1:
            pred = pred.ravel()
        return (pred != base).reshape(n_repeats, n).mean(axis=0)

    noise = {c: _Noise(X[c], epsilon) for c in numeric}

    def jitter(frame: pd.DataFrame, cols: list[Hashable]) -> pd.DataFrame:
        for c in cols:
            frame[c] = noise[c].apply(frame[c], rng)
        return frame

    rows = []
    for c in numeric:
        nz = noise[c]
        if nz.scale == 0:
            rows.append((c, "numeric", 0.0, nz.basis, np.nan, 0))
            continue
        rate = flips(jitter(tiled.copy(), [c])).mean()
        rows.append((c, "numeric", nz.scale, nz.basis, rate, n * n_repeats))
    usable_numeric = [c for c in numeric if noise[c].scale > 0]
    per_row_numeric = (
        flips(jitter(tiled.copy(), usable_numeric)) if usable_numeric else np.full(n, np.nan)
    )

    swapped: dict[Hashable, pd.Series] = {}
    per_row_cat_sum = np.zeros(n)
    n_cat = 0
    for c in categorical:
        new = _swap(tiled[c], rng)
        if new is None:
            rows.append((c, "categorical", np.nan, None, np.nan, 0))
            continue
        swapped[c] = new
        frame = tiled.copy()
        frame[c] = new
        per_row = flips(frame)
        per_row_cat_sum += per_row
        n_cat += 1
        rows.append((c, "categorical", np.nan, None, per_row.mean(), n * n_repeats))
    per_row_categorical = per_row_cat_sum / n_cat if n_cat else np.full(n, np.nan)

    if usable_numeric or swapped:
        combined = jitter(tiled.copy(), usable_numeric)
        if swapped:
            names = list(swapped)
            choice = rng.integers(0, len(names), len(combined))
            for j, c in enumerate(names):
                mask = choice == j
                combined.loc[mask, c] = swapped[c][mask]
        per_row_overall = flips(combined)
    else:
        per_row_overall = np.full(n, np.nan)

    by_feature = pd.DataFrame(rows, columns=_FEATURE_COLUMNS)
    by_feature = by_feature.sort_values(
        "flip_rate", ascending=False, kind="stable", na_position="last"
    ).reset_index(drop=True)
    overall = pd.Series(
        {
            "numeric": float(np.mean(per_row_numeric)),
            "categorical": float(np.mean(per_row_categorical)),
            "overall": float(np.mean(per_row_overall)),
        },
        name="flip_rate",
    )
    per_row = pd.DataFrame(
        {
            "numeric": per_row_numeric,
            "categorical": per_row_categorical,
            "overall": per_row_overall,
        }
    )
    parts = []
    for name in checked.sensitive.columns:
        groups = checked.sensitive[name].reset_index(drop=True)
        g = per_row.groupby(groups, sort=True)
        table = g.mean()
        table.insert(0, "count", g.size())
        table.index = pd.MultiIndex.from_arrays(
            [[name] * len(table), table.index], names=["sensitive_feature", "group"]
        )
        parts.append(table)
    by_group = pd.concat(parts)
    return RobustnessReport(
        overall=overall,
        by_feature=by_feature,
        by_group=by_group,
        epsilon=epsilon,
        n_repeats=n_repeats,
        n_rows=n,
    )
