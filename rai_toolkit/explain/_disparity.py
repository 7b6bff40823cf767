"""``explain_disparity``: which features drive the gap in model output between groups.

The decomposition follows SHAP's "Explaining quantitative measures of
fairness" notebook. For every row ``f(x) = base + sum_j phi_j(x)`` with the
same base value for every row, so the gap in mean output between groups A and
B is exactly

    mean f | A - mean f | B = sum_j (mean phi_j | A - mean phi_j | B),

and each term of the sum is the contribution of feature ``j`` to the gap.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._io import json_safe
from rai_toolkit._readonly import ReadOnly, store
from rai_toolkit._result import Result, Summary
from rai_toolkit._scalars import SeedLike, check_choice, check_random_state
from rai_toolkit._validation import (
    check_data_frame,
    check_sensitive_not_target,
    encode_sensitive,
    resolve_columns,
)
from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.explain._model_output import OUTPUTS
from rai_toolkit.explain._report import ExplanationReport, explain_model
from rai_toolkit.explain._shap_values import METHODS

__all__ = ["SCHEMA", "DisparityExplanation", "explain_disparity"]

#: Identifier and version of the :meth:`DisparityExplanation.to_dict` schema.
SCHEMA = "rai_toolkit.disparity_explanation/1"


class DisparityExplanation(Result):
    """Contributions of each raw feature to a gap in mean model output between groups.

    Built by :func:`explain_disparity`. Two modes:

    * ``"pair"`` - ``groups == (a, b)``: :attr:`total` is a float,
      ``mean output | a - mean output | b``, and :attr:`contributions` a Series
      per feature summing to it;
    * ``"one_vs_rest"`` - more than two groups: :attr:`total` is a Series per
      group (``mean | group - mean | all other rows``) and
      :attr:`contributions` a DataFrame, features x groups, each column
      summing to that group's total.

    Parameters
    ----------
    contributions : pandas.Series or pandas.DataFrame
        See above.
    measured_total : float or pandas.Series
        The same gap measured directly on the model's outputs.
    group_means : pandas.Series
        Mean model output per group.
    group_sizes : pandas.Series
        Rows per group.
    groups : tuple
        ``(a, b)`` in pair mode, all groups in one-vs-rest mode.
    sensitive_feature : hashable
        The column the groups come from.
    output : str
        Space of the model output (``"log_odds"``, ``"probability"``, ``"raw"``).
    method : str
        Explainer that produced the SHAP values.
    """

    def __init__(
        self,
        contributions: pd.Series | pd.DataFrame,
        measured_total: float | pd.Series,
        *,
        group_means: pd.Series,
        group_sizes: pd.Series,
        groups: tuple,
        sensitive_feature: Hashable,
        output: str,
        method: str,
    ) -> None:
        total = contributions.sum(axis=0)
        if isinstance(total, pd.Series):
            total.name = "total"
        else:
            total = float(total)
        store(
            self,
            total=total,
            measured_total=measured_total,
            contributions=contributions,
            groups=tuple(groups),
            group_means=group_means,
            group_sizes=group_sizes,
            sensitive_feature=sensitive_feature,
            output=output,
            method=method,
        )

    @property
    def mode(self) -> str:
        """``"pair"`` or ``"one_vs_rest"``."""
        return "pair" if isinstance(self._contributions, pd.Series) else "one_vs_rest"

    total = ReadOnly[float | pd.Series](
        "Gap in mean model output: float (pair) or Series per group (one vs rest).",
    )

    measured_total = ReadOnly[float | pd.Series](
        "The gap measured on the model's own outputs (equals :attr:`total` up to rounding).",
        source="_measured",
    )

    contributions = ReadOnly[pd.Series | pd.DataFrame](
        "Contribution of each raw feature to the gap; sums to :attr:`total`.",
    )

    groups = ReadOnly[tuple]("``(a, b)`` (pair) or every group (one vs rest).")

    group_means = ReadOnly[pd.Series]("Mean model output per group.")

    group_sizes = ReadOnly[pd.Series]("Number of rows per group.")

    sensitive_feature = ReadOnly[Hashable]("The column the groups come from.", source="_sensitive")

    output = ReadOnly[str]("Space of the model output the gap is measured in.")

    method = ReadOnly[str]("Explainer that produced the SHAP values.")

    def to_dict(self) -> dict:
        """Return a JSON-serialisable summary.

        Schema (``"schema": "rai_toolkit.disparity_explanation/1"``):
        ``mode``, ``sensitive_feature``, ``groups`` (list), ``output``,
        ``method``, ``group_means`` and ``group_sizes`` (``{group: value}``),
        and in pair mode ``total`` / ``measured_total`` (floats) and
        ``contributions`` (``{feature: value}``); in one-vs-rest mode ``total``
        / ``measured_total`` are ``{group: value}`` and ``contributions`` is
        ``{group: {feature: value}}``. Group labels are converted to strings.

        Returns
        -------
        dict
            The summary.
        """

        def mapping(series: pd.Series) -> dict:
            return {str(k): json_safe(v) for k, v in series.items()}

        if self.mode == "pair":
            total: Any = self._total
            measured: Any = float(self._measured)
            contributions: Any = mapping(self._contributions)
        else:
            total = mapping(self._total)
            measured = mapping(self._measured)
            contributions = {str(g): mapping(self._contributions[g]) for g in self._groups}
        return {
            "schema": SCHEMA,
            "mode": self.mode,
            "sensitive_feature": str(self._sensitive),
            "groups": [str(g) for g in self._groups],
            "output": self._output,
            "method": self._method,
            "total": total,
            "measured_total": measured,
            "group_means": mapping(self._group_means),
            "group_sizes": {str(k): int(v) for k, v in self._group_sizes.items()},
            "contributions": contributions,
        }

    def _top(self, series: pd.Series, n: int = 3) -> str:
        order = series.abs().sort_values(ascending=False).index[:n]
        return ", ".join(f"{k}={series[k]:+.3g}" for k in order)

    def _summary(self) -> Summary:
        if self.mode == "pair":
            a, b = self._groups
            head = (
                f"{self._sensitive!r}: {a!r} - {b!r} = {self._total:+.4g} {self._output}; "
                f"top: {self._top(self._contributions)}"
            )
            text = (
                f"Gap in mean {self._output} between {a!r} (n={int(self._group_sizes[a]):,}) "
                f"and {b!r} (n={int(self._group_sizes[b]):,}) of {self._sensitive!s}: "
                f"{self._total:+.4g}"
            )
            order = self._contributions.abs().sort_values(ascending=False).index[:15]
            table = self._contributions[order].rename_axis("feature").to_frame("contribution")
        else:
            totals = ", ".join(f"{g!r}: {v:+.3g}" for g, v in self._total.items())
            head = f"{self._sensitive!r}, each group vs the rest, {self._output}: {totals}"
            text = (
                f"Gap in mean {self._output} of each group of {self._sensitive!s} "
                f"against all other rows"
            )
            table = self._contributions.T.assign(total=self._total).rename_axis("group")
        return Summary(title="Disparity explanation", head=head, text=text, tables=[("", table)])


def _check_groups(groups: Any, available: list, sensitive_feature: Hashable) -> tuple:
    listing = ", ".join(repr(g) for g in available)
    if isinstance(groups, str) or not isinstance(groups, Sequence) or len(groups) != 2:
        raise ArgumentError(
            f"groups must be a pair (a, b) of groups of {sensitive_feature!r}; received "
            f"{groups!r}. Available groups: {listing}."
        )
    a, b = groups
    for g in (a, b):
        if g not in available:
            raise ArgumentError(
                f"Group {g!r} given in `groups` does not occur in {sensitive_feature!r}; "
                f"available groups: {listing}."
            )
    if a == b:
        raise ArgumentError(f"groups=({a!r}, {b!r}) names the same group twice; pass two groups.")
    return a, b


@public
def explain_disparity(
    model: Any,
    data: pd.DataFrame,
    *,
    sensitive_feature: Hashable,
    groups: Sequence[Any] | None = None,
    output: str = "auto",
    target: Hashable | None = None,
    features: Sequence[Hashable] | None = None,
    report: ExplanationReport | None = None,
    bins: Any = None,
    method: str = "auto",
    random_state: SeedLike = None,
) -> DisparityExplanation:
    """Split the gap in mean model output between groups into per-feature contributions.

    Parameters
    ----------
    model : estimator or None
        Fitted model (ignored when ``report`` is given; may then be None).
    data : pandas.DataFrame
        Rows to explain, including ``sensitive_feature`` (which need not be a
        model input).
    sensitive_feature : hashable or pandas.Series
        Column whose groups are compared, or a named Series matched to the
        rows of ``data`` by index.
    groups : pair of labels, optional
        ``(a, b)``: explain ``mean | a - mean | b``. Default: with exactly two
        groups, both in sorted order; with more, each group against the rest.
    output : {"auto", "log_odds", "probability", "raw"}, default="auto"
        Space of the model output; see :func:`explain_model`.
    target, features : optional
        As in :func:`explain_model`.
    report : ExplanationReport, optional
        Reuse SHAP values already computed by :func:`explain_model` on ``data``.
    bins : int or sequence, optional
        Bins for a continuous ``sensitive_feature``.
    method : str, default="auto"
        Explainer, as in :func:`explain_model`.
    random_state : int, numpy.random.Generator or RandomState, optional
        Seed, as in :func:`explain_model`.

    Returns
    -------
    DisparityExplanation
        ``total`` and ``contributions`` (which sum to it).

    Raises
    ------
    DataValidationError
        Missing column, a single group, or a ``report`` computed on other rows.
    ArgumentError
        Bad ``groups``, or ``output`` contradicting ``report.output``.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from rai_toolkit.datasets import make_biased_classification
    >>> ds = make_biased_classification(2000, feature_bias=1.0, random_state=0)
    >>> X = ds.frame[["x0", "x1", "x2", "x3", "x4", "proxy"]]
    >>> model = LogisticRegression().fit(X, ds.y)
    >>> gap = explain_disparity(model, ds.frame, sensitive_feature="group", target="y")
    >>> gap.contributions.abs().idxmax()
    'x0'
    """
    data = check_data_frame(data)
    output = check_choice(output, argument="output", choices=OUTPUTS)
    method = check_choice(method, argument="method", choices=METHODS)
    random_state = check_random_state(random_state)
    if sensitive_feature is None or isinstance(
        sensitive_feature, list | tuple | pd.Index | pd.DataFrame
    ):
        raise ArgumentError(
            f"sensitive_feature must name one column (or be a named pandas Series); received "
            f"a {type(sensitive_feature).__name__}. Call explain_disparity once per feature.",
            argument="sensitive_feature",
        )
    columns = resolve_columns(
        data,
        target=target,
        sensitive_features=sensitive_feature,
        features=features,
        model=None if report is not None else model,
        target_required=False,
    )
    data, target, features = columns.data, columns.target, columns.features
    sensitive_feature = columns.sensitive_features[0]
    if target is not None:
        check_sensitive_not_target(data, target, [sensitive_feature])
    if report is None:
        report = explain_model(
            model, data, target=target, features=features, output=output, method=method,
            random_state=random_state,
        )
    else:
        if not isinstance(report, ExplanationReport):
            raise ArgumentError(
                f"report must be an ExplanationReport from explain_model; received "
                f"{type(report).__name__}."
            )
        if report.n_rows != len(data) or not report.values.index.equals(data.index):
            raise DataValidationError(
                f"`report` explains {report.n_rows} rows that are not the {len(data)} rows of "
                f"`data`; pass the same data the report was computed on, or report=None."
            )
        if output != "auto" and output != report.output:
            raise ArgumentError(
                f"output={output!r} contradicts report.output={report.output!r}; pass "
                f"output='auto' to use the report's space, or recompute the report."
            )
    labels = encode_sensitive(
        data, [sensitive_feature], bins=None if bins is None else {sensitive_feature: bins}
    )[sensitive_feature].to_numpy()
    available = sorted(pd.unique(labels).tolist(), key=lambda v: (str(type(v)), v))
    if len(available) < 2:
        raise DataValidationError(
            f"Sensitive feature {sensitive_feature!r} has a single group ({available[0]!r}) in "
            f"`data`; a disparity needs at least two groups. Pass data covering several groups."
        )
    values = report.values
    out = report.model_output
    means = out.groupby(labels).mean()
    sizes = out.groupby(labels).size()
    if groups is None and len(available) == 2:
        groups = tuple(available)
    if groups is not None:
        a, b = _check_groups(groups, available, sensitive_feature)
        in_a, in_b = labels == a, labels == b
        contributions = values[in_a].mean(axis=0) - values[in_b].mean(axis=0)
        contributions.name = "contribution"
        measured: Any = float(out[in_a].mean() - out[in_b].mean())
        chosen: tuple = (a, b)
    else:
        columns, measured_rows = {}, {}
        for g in available:
            mask = labels == g
            columns[g] = values[mask].mean(axis=0) - values[~mask].mean(axis=0)
            measured_rows[g] = float(out[mask].mean() - out[~mask].mean())
        contributions = pd.DataFrame(columns, columns=available)
        measured = pd.Series(measured_rows, name="measured_total")
        chosen = tuple(available)
    return DisparityExplanation(
        contributions,
        measured,
        group_means=means,
        group_sizes=sizes,
        groups=chosen,
        sensitive_feature=sensitive_feature,
        output=report.output,
        method=report.method,
    )
