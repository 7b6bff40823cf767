"""ErrorAnalysis: the result object of :func:`~rai_toolkit.error_analysis.analyze_errors`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from rai_toolkit._readonly import ReadOnly, store
from rai_toolkit._result import Result, Summary
from rai_toolkit._scalars import check_int

__all__ = ["CONCERN_LIFT", "ErrorAnalysis"]

#: A significant cohort whose error rate is at least this multiple of the overall
#: error rate is a reliability concern; a smaller one leaves it inconclusive.
CONCERN_LIFT = 2.0


class ErrorAnalysis(Result):
    """Worst cohorts of a model by error, over single features and pairs.

    Create with :func:`analyze_errors`.

    Attributes
    ----------
    cohorts : pandas.DataFrame
        Every listed cohort, worst first.
    overall : dict
        ``{"n": rows, "errors": wrong rows, "error_rate": ...}`` (classification)
        or ``{"n", "mean_absolute_error"}`` (regression).
    """

    def __init__(
        self,
        *,
        cohorts: pd.DataFrame,
        overall: dict[str, Any],
        task: str,
        features: list[str],
        settings: dict[str, Any],
    ) -> None:
        store(
            self, cohorts=cohorts, overall=overall, task=task, features=features, settings=settings
        )

    cohorts = ReadOnly[pd.DataFrame](
        """Listed cohorts, worst first (a copy).

        Columns: ``cohort`` (readable text), ``conditions`` (tuple of
        ``(feature, level)``), ``n_conditions``, ``count``, then for
        classification ``errors``, ``error_rate``, ``lower``, ``upper``
        (Wilson 95%), ``lift`` (error rate / overall error rate) and
        ``significant`` (lower bound above the overall error rate); for
        regression ``mean_absolute_error`` and ``lift``; ``error_share`` is the
        cohort's share of all errors (of the summed absolute error).
        """,
        copy=pd.DataFrame.copy,
    )

    overall = ReadOnly[dict[str, Any]]("Overall error of the model on the data.", copy=dict)

    task = ReadOnly[str]('``"classification"`` or ``"regression"``.')

    @property
    def metric(self) -> str:
        """Name of the ranking metric: ``"error_rate"`` or ``"mean_absolute_error"``."""
        return "error_rate" if self._task == "classification" else "mean_absolute_error"

    @property
    def concern_lift(self) -> float:
        """Lift (cohort error / overall error) from which a significant cohort is a concern."""
        return CONCERN_LIFT

    features = ReadOnly[list[str]]("Features searched.", copy=list)

    settings = ReadOnly[dict[str, Any]](
        "Limits of the search (``max_conditions``, ``min_cohort_size``, ...).",
        copy=dict,
    )

    def worst(self, n: int = 10) -> pd.DataFrame:
        """Return the ``n`` worst cohorts.

        Parameters
        ----------
        n : int, default=10
            Number of cohorts.

        Returns
        -------
        pandas.DataFrame
            The first ``n`` rows of :attr:`cohorts`.

        Raises
        ------
        ArgumentError
            If ``n`` is not a positive integer.
        """
        n = check_int(n, argument="n", low=1, hint="It is the number of cohorts returned.")
        return self._cohorts.head(n).copy()

    def to_dict(self, *, top: int | None = 20) -> dict[str, Any]:
        """Return a JSON-ready summary.

        Parameters
        ----------
        top : int or None, default=20
            Number of cohorts to include; None for all.

        Returns
        -------
        dict
            ``{"method": "exhaustive", "task": ..., "metric": ..., "overall": {...},
            "features": [...], "settings": {...}, "cohorts": [{"cohort": str,
            "conditions": [{"feature": str, "level": str}], "count": int, ...}]}``.

        Raises
        ------
        ArgumentError
            If ``top`` is not None or a non-negative integer.
        """
        top = check_int(
            top, argument="top", low=0, allow_none=True, hint="None includes every cohort."
        )
        frame = self._cohorts if top is None else self._cohorts.head(top)
        rows = []
        for rec in frame.to_dict("records"):
            out = {
                "cohort": rec["cohort"],
                "conditions": [{"feature": f, "level": v} for f, v in rec["conditions"]],
                "count": int(rec["count"]),
            }
            for key in ("errors",):
                if key in rec:
                    out[key] = int(rec[key])
            for key in (
                "error_rate",
                "lower",
                "upper",
                "mean_absolute_error",
                "lift",
                "error_share",
            ):
                if key in rec:
                    out[key] = None if pd.isna(rec[key]) else float(rec[key])
            if "significant" in rec:
                out["significant"] = bool(rec["significant"])
            rows.append(out)
        return {
            "method": "exhaustive cohorts of one or two conditions",
            "task": self._task,
            "metric": self.metric,
            "overall": dict(self._overall),
            "features": list(self._features),
            "settings": dict(self._settings),
            "n_cohorts_found": int(len(self._cohorts)),
            "cohorts": rows,
        }

    def _summary(self) -> Summary:
        cols = [c for c in self._cohorts.columns if c not in ("conditions", "n_conditions")]
        head = self._cohorts.head(3)["cohort"].tolist()
        return Summary(
            title="Error analysis",
            head=(
                f"task={self._task!r}, cohorts={len(self._cohorts)}, "
                f"overall={self._overall}, worst={head}"
            ),
            text=f"{self.metric}, overall {self._overall}",
            tables=[("", self._cohorts.head(10)[cols])],
        )
