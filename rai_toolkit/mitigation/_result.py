"""MitigationResult: before/after fairness on held-out data and the trade-off.

Schema of :meth:`MitigationResult.to_dict` (version :data:`SCHEMA_VERSION`)::

    {
      "schema_version": "1.1",
      "kind": "mitigation_result",
      "method": "postprocess" | "reduction",
      "mitigator": "ThresholdOptimizer" | "ExponentiatedGradient",
      "constraint": str,              # criterion enforced, e.g. "demographic_parity"
      "constraint_rates": [str],      # fairness metrics it equalises, e.g. ["selection_rate"]
      "disparity_measure": str,       # e.g. "selection_rate_difference" (max - min over groups)
      "objective": str,               # fairness metric maximised, e.g. "accuracy"
      "target": str, "pos_label": any, "sensitive_features": [str], "features": [str],
      "n_train": int, "n_test": int,
      "random_state": int,            # seed of the randomised mitigated predictions
      "grid_size": int | null,        # GridSearch candidates (reduction only)
      "randomized": bool,             # mitigated predictions are randomised
      "needs_sensitive_features": bool,   # model.predict needs sensitive_features=
      "notes": [str],
      "comparison": [                 # test data, from the before/after FairnessReports
        {"measure": str, "before": float, "before_lower": float, "before_upper": float,
         "after": float, "after_lower": float, "after_upper": float, "change": float}
      ],
      "tradeoff": [                   # test data, one row per candidate model
        {"candidate": str, "kind": str, "objective": float, "disparity": float,
         "pareto": bool, "selected": bool}
      ],
      "before": FairnessReport.to_dict(),   # unmitigated model on test
      "after": FairnessReport.to_dict()     # mitigated model on test
    }

Changes in 1.1: names are the fairness room's. ``objective`` is a fairness metric
name (``"accuracy"``, ``"balanced_accuracy"``; was ``"accuracy_score"``,
``"balanced_accuracy_score"``), which also names its ``comparison`` row; fairlearn's
``true_positive_rate_parity`` is reported as ``"equal_opportunity"``; for
``error_rate_parity`` ``constraint_rates`` is ``["accuracy"]`` and
``disparity_measure`` ``"accuracy_difference"`` (was ``error_rate`` /
``error_rate_difference``: the same number, an error-rate difference being an
accuracy difference). The values of every other key are unchanged.

NaN is written as null. ``kind`` of a trade-off row is ``"unmitigated"``,
``"threshold_optimizer"``, ``"exponentiated_gradient"`` or ``"grid_search"``;
``selected`` marks the row of :attr:`MitigationResult.model`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._io import json_safe as _json_value
from rai_toolkit._readonly import ReadOnly
from rai_toolkit._result import Result, Summary
from rai_toolkit.fairness._criteria import Criterion
from rai_toolkit.mitigation._criteria import disparity_measure

__all__ = ["MitigationResult", "SCHEMA_VERSION", "pareto_front", "COMPARISON_COLUMNS"]

#: Version of the :meth:`MitigationResult.to_dict` schema.
SCHEMA_VERSION = "1.1"

#: Columns of :attr:`MitigationResult.comparison`.
COMPARISON_COLUMNS = (
    "before",
    "before_lower",
    "before_upper",
    "after",
    "after_lower",
    "after_upper",
    "change",
)

#: Columns of :attr:`MitigationResult.tradeoff`.
TRADEOFF_COLUMNS = ("candidate", "kind", "objective", "disparity", "pareto", "selected")

_MITIGATOR = {"postprocess": "ThresholdOptimizer", "reduction": "ExponentiatedGradient"}


def pareto_front(objective: np.ndarray, disparity: np.ndarray) -> np.ndarray:
    """Flag the candidates no other candidate beats on both axes.

    A candidate is dominated when another has an objective at least as high and a
    disparity at least as low, and is strictly better on one of them.

    Parameters
    ----------
    objective : numpy.ndarray
        Higher is better.
    disparity : numpy.ndarray
        Lower is better.

    Returns
    -------
    numpy.ndarray
        Boolean, True on the Pareto front; False where a value is NaN.
    """
    obj = np.asarray(objective, dtype=float)
    dis = np.asarray(disparity, dtype=float)
    ok = np.isfinite(obj) & np.isfinite(dis)
    front = ok.copy()
    for i in np.flatnonzero(ok):
        others = ok & (obj >= obj[i]) & (dis <= dis[i]) & ((obj > obj[i]) | (dis < dis[i]))
        front[i] = not others.any()
    return front


@dataclass(frozen=True)
class _Settings:
    method: str
    constraint: Criterion
    objective: str
    target: Hashable
    pos_label: Any
    sensitive_features: list
    features: list
    n_train: int
    n_test: int
    random_state: int
    grid_size: int | None
    notes: list[str] = field(default_factory=list)


class MitigationResult(Result):
    """Outcome of :func:`~rai_toolkit.mitigation.mitigate`: the mitigated model and its effect.

    Every number is computed once, on the held-out ``test`` data, by ``mitigate``;
    the properties return copies.

    Attributes
    ----------
    before, after : FairnessReport
        Fairness of the unmitigated and the mitigated model on ``test``.
    model : estimator
        The mitigated model (:class:`PostprocessedClassifier` or
        :class:`ReductionClassifier`).
    tradeoff : pandas.DataFrame
        One row per candidate model: objective vs disparity, Pareto front.
    comparison : pandas.DataFrame
        Key measures before and after, with bootstrap intervals.
    """

    def __init__(
        self,
        *,
        settings: _Settings,
        model: Any,
        before: Any,
        after: Any,
        tradeoff: pd.DataFrame,
    ) -> None:
        self._settings = settings
        self._model = model
        self._before = before
        self._after = after
        self._tradeoff = tradeoff.reset_index(drop=True)
        self._comparison = self._compare()

    # -- computed once ---------------------------------------------------------------------
    def _compare(self) -> pd.DataFrame:
        s = self._settings
        rows: dict[str, dict[str, float]] = {}
        rows[s.objective] = self._pair(
            lambda r: (
                r.overall.get(s.objective, np.nan),
                r.overall_lower.get(s.objective, np.nan),
                r.overall_upper.get(s.objective, np.nan),
            )
        )
        for metric in s.constraint.metrics:

            def pick(report: Any, metric: str = metric) -> tuple[float, float, float]:
                d = report.disparities
                if metric not in d.index:
                    return (np.nan, np.nan, np.nan)
                row = d.loc[metric]
                return (row["difference"], row["difference_lower"], row["difference_upper"])

            rows[f"{metric}_difference"] = self._pair(pick)
        measure = disparity_measure(s.constraint)
        if len(s.constraint.metrics) > 1 and s.constraint.name in self._before.verdicts.index:
            # the fairness report's verdict is the same max over the rates' differences,
            # with a simultaneous interval
            def verdict(report: Any) -> tuple[float, float, float]:
                row = report.verdicts.loc[s.constraint.name]
                return (row["value"], row["lower"], row["upper"])

            rows[measure] = self._pair(verdict)
        elif len(s.constraint.metrics) > 1:
            sel = self._tradeoff["selected"]
            unm = self._tradeoff["kind"] == "unmitigated"
            before = float(self._tradeoff.loc[unm, "disparity"].iloc[0])
            after = float(self._tradeoff.loc[sel, "disparity"].iloc[0])
            rows[measure] = {
                "before": before, "before_lower": np.nan, "before_upper": np.nan,
                "after": after, "after_lower": np.nan, "after_upper": np.nan,
                "change": after - before,
            }
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(COMPARISON_COLUMNS))
        frame.index.name = "measure"
        return frame.astype(float)

    def _pair(self, pick: Any) -> dict[str, float]:
        b, bl, bu = (float(v) for v in pick(self._before))
        a, al, au = (float(v) for v in pick(self._after))
        return {
            "before": b, "before_lower": bl, "before_upper": bu,
            "after": a, "after_lower": al, "after_upper": au, "change": a - b,
        }

    # -- read-only views -------------------------------------------------------------------
    before = ReadOnly[Any]("FairnessReport of the unmitigated model on ``test``.")

    after = ReadOnly[Any]("FairnessReport of the mitigated model on ``test``.")

    model = ReadOnly[Any](
        """The mitigated model (scikit-learn compatible ``predict`` / ``predict_proba``).

        For ``method="postprocess"`` call ``model.predict(X, sensitive_features=...)``:
        the thresholds are per group, so the groups are required.
        """,
    )

    tradeoff = ReadOnly[pd.DataFrame](
        """Candidates on ``test``: columns candidate, kind, objective, disparity, pareto, selected.

        ``objective`` is :attr:`objective` (higher is better), ``disparity`` is
        :attr:`disparity_measure` (lower is better). Reductions list the GridSearch
        candidates and the ExponentiatedGradient model; postprocessing lists the model
        before and after. The unmitigated model is always a row.
        """,
        copy=pd.DataFrame.copy,
    )

    comparison = ReadOnly[pd.DataFrame](
        """Before vs after on ``test``: the objective and the constraint's disparities.

        Indexed by measure, columns before, before_lower, before_upper, after,
        after_lower, after_upper, change (after - before). Values and bootstrap
        intervals come from :attr:`before` and :attr:`after`.
        """,
        copy=pd.DataFrame.copy,
    )

    method = ReadOnly[str]('``"postprocess"`` or ``"reduction"``.', source="_settings.method")

    @property
    def mitigator(self) -> str:
        """The fairlearn mitigator that produced :attr:`model`."""
        return _MITIGATOR[self._settings.method]

    constraint = ReadOnly[str](
        'The fairness constraint, e.g. ``"demographic_parity"``.',
        source="_settings.constraint.name",
    )

    objective = ReadOnly[str](
        'The objective, as the fairness metric it is, e.g. ``"accuracy"``.',
        source="_settings.objective",
    )

    @property
    def disparity_measure(self) -> str:
        """Name of the disparity the constraint controls, e.g. ``"selection_rate_difference"``."""
        return disparity_measure(self._settings.constraint)

    random_state = ReadOnly[int](
        "Seed of the randomised mitigated predictions (drawn when none was given).",
        source="_settings.random_state",
    )

    notes = ReadOnly[list[str]](
        "Caveats a reader of the result should know.",
        source="_settings.notes",
        copy=list,
    )

    # -- views -----------------------------------------------------------------------------
    def _headline(self) -> tuple[float, float, float, float]:
        t = self._tradeoff
        unm = t.loc[t["kind"] == "unmitigated"].iloc[0]
        sel = t.loc[t["selected"]].iloc[0]
        return unm["objective"], sel["objective"], unm["disparity"], sel["disparity"]

    def summary(self) -> str:
        """Describe in a few lines of text what was done and what it changed on ``test``.

        Returns
        -------
        str
            The summary.
        """
        s = self._settings
        ob, oa, db, da = self._headline()
        cut = (1 - da / db) if db and np.isfinite(db) and db > 0 else float("nan")
        lines = [
            f"Mitigation: {self.mitigator} ({s.method}) for {s.constraint.name}, "
            f"objective {s.objective}; sensitive: {', '.join(map(str, s.sensitive_features))}.",
            f"Held-out test rows: {s.n_test} (trained/fitted on {s.n_train}).",
            f"{self.disparity_measure}: {_fmt(db)} -> {_fmt(da)}"
            + (f" ({cut:.0%} lower)." if np.isfinite(cut) and cut >= 0 else "."),
            f"{s.objective}: {_fmt(ob)} -> {_fmt(oa)} ({oa - ob:+.3f}).",
        ]
        for measure, row in self._comparison.iterrows():
            if np.isfinite(row["before_lower"]):
                lines.append(
                    f"  {measure}: before {_fmt(row['before'])} [{_fmt(row['before_lower'])}, "
                    f"{_fmt(row['before_upper'])}], after {_fmt(row['after'])} "
                    f"[{_fmt(row['after_lower'])}, {_fmt(row['after_upper'])}]"
                )
        lines += [f"Note: {n}" for n in s.notes]
        return "\n".join(lines)

    def _summary(self) -> Summary:
        s = self._settings
        ob, oa, db, da = self._headline()
        return Summary(
            title=f"Mitigation: {self.mitigator} for {s.constraint.name}",
            head=(
                f"method={self.method!r}, constraint={self.constraint!r}, "
                f"{self.disparity_measure}: {_fmt(db)} -> {_fmt(da)}, "
                f"{self.objective}: {_fmt(ob)} -> {_fmt(oa)}, candidates={len(self._tradeoff)}"
            ),
            text=(
                f"On {s.n_test} held-out rows, {self.disparity_measure} went from {_fmt(db)} "
                f"to {_fmt(da)}; {s.objective} from {_fmt(ob)} to {_fmt(oa)}. "
                + " ".join(s.notes)
            ).strip(),
            tables=[
                ("Before vs after (bootstrap intervals)", self._comparison),
                ("Trade-off", self._tradeoff),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """Everything in the result as JSON-compatible Python objects (schema in module doc).

        Returns
        -------
        dict
            The result; NaN becomes None.
        """
        s = self._settings
        comparison = [
            {"measure": str(m), **{c: _json_value(row[c]) for c in COMPARISON_COLUMNS}}
            for m, row in self._comparison.iterrows()
        ]
        tradeoff = [
            {c: _json_value(row[c]) for c in TRADEOFF_COLUMNS}
            for _, row in self._tradeoff.iterrows()
        ]
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "mitigation_result",
            "method": s.method,
            "mitigator": self.mitigator,
            "constraint": s.constraint.name,
            "constraint_rates": list(s.constraint.metrics),
            "disparity_measure": disparity_measure(s.constraint),
            "objective": s.objective,
            "target": _json_value(s.target),
            "pos_label": _json_value(s.pos_label),
            "sensitive_features": [_json_value(f) for f in s.sensitive_features],
            "features": [_json_value(f) for f in s.features],
            "n_train": s.n_train,
            "n_test": s.n_test,
            "random_state": s.random_state,
            "grid_size": s.grid_size,
            "randomized": True,
            "needs_sensitive_features": s.method == "postprocess",
            "notes": list(s.notes),
            "comparison": comparison,
            "tradeoff": tradeoff,
            "before": self._before.to_dict(),
            "after": self._after.to_dict(),
        }

def _fmt(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "–" if not math.isfinite(v) else f"{v:.3f}"
