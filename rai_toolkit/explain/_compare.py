"""``compare_explanations``: how far two explanations agree on what matters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from rai_toolkit._api import public
from rai_toolkit._result import Result, Summary
from rai_toolkit._scalars import check_int
from rai_toolkit._validation import check_unique_labels
from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.explain._report import ExplanationReport

__all__ = ["SCHEMA", "ExplanationComparison", "compare_explanations"]

#: Identifier and version of the :meth:`ExplanationComparison.to_dict` schema.
SCHEMA = "rai_toolkit.explanation_comparison/1"


@dataclass(frozen=True, repr=False)
class ExplanationComparison(Result):
    """Agreement of two global feature importances.

    Attributes
    ----------
    spearman : float
        Spearman rank correlation of the importances over the common features
        (NaN when an importance is constant).
    top_k : int
        Number of top features compared.
    top_k_overlap : int
        Features in both top-k lists.
    jaccard : float
        ``top_k_overlap / |top-k of a  union  top-k of b|``.
    ranks : pandas.DataFrame
        Per feature (union of both): ``importance_a``, ``importance_b``,
        ``rank_a``, ``rank_b`` (1 = most important; NaN when absent), sorted
        by ``rank_a``.
    common_features : list
        Features present in both explanations.
    """

    spearman: float
    top_k: int
    top_k_overlap: int
    jaccard: float
    ranks: pd.DataFrame = field(repr=False)
    common_features: list = field(repr=False)

    def to_dict(self) -> dict:
        """Return a JSON-serialisable summary.

        Schema (``"schema": "rai_toolkit.explanation_comparison/1"``):
        ``spearman`` (float or null), ``top_k``, ``top_k_overlap``,
        ``jaccard``, ``common_features`` and ``ranks`` (list of
        ``{feature, importance_a, importance_b, rank_a, rank_b}``, nulls when
        absent).

        Returns
        -------
        dict
            The summary.
        """

        def clean(v: Any) -> Any:
            return None if v is None or (isinstance(v, float) and np.isnan(v)) else v

        ranks = [
            {"feature": str(f), **{k: clean(float(v)) for k, v in row.items()}}
            for f, row in self.ranks.iterrows()
        ]
        return {
            "schema": SCHEMA,
            "spearman": clean(float(self.spearman)),
            "top_k": self.top_k,
            "top_k_overlap": self.top_k_overlap,
            "jaccard": float(self.jaccard),
            "common_features": [str(f) for f in self.common_features],
            "ranks": ranks,
        }

    def _summary(self) -> Summary:
        head = (
            f"Spearman {self.spearman:.3f} over {len(self.common_features)} common features; "
            f"top-{self.top_k} overlap {self.top_k_overlap} (Jaccard {self.jaccard:.2f})"
        )
        return Summary(
            title="Explanation comparison", head=head, tables=[("", self.ranks)]
        )


def _importance(value: Any, argument: str) -> pd.Series:
    if isinstance(value, ExplanationReport):
        importance = value.global_importance
    elif isinstance(value, pd.Series):
        if not pd.api.types.is_numeric_dtype(value) or pd.api.types.is_bool_dtype(value):
            raise ArgumentError(
                f"`{argument}` must hold numeric importances; dtype {value.dtype}.",
                argument=argument,
            )
        importance = value.astype(float).sort_values(ascending=False, kind="stable")
    else:
        raise ArgumentError(
            f"`{argument}` must be an ExplanationReport or a pandas Series of importances "
            f"indexed by feature; received {type(value).__name__}.",
            argument=argument,
        )
    check_unique_labels(
        importance.index, argument=argument, what="features", fix="Give one importance per feature."
    )
    bad = ~np.isfinite(importance.to_numpy(dtype=float))
    if bad.any():
        shown = ", ".join(map(repr, importance.index[bad][:10].tolist()))
        raise DataValidationError(
            f"`{argument}` has missing or infinite importance for {int(bad.sum())} feature(s) "
            f"({shown}); ranks of undefined importances are meaningless. Recompute the "
            f"explanation, or drop those features from both inputs explicitly.",
            argument=argument,
        )
    return importance


@public
def compare_explanations(a: Any, b: Any, *, top_k: int = 5) -> ExplanationComparison:
    """Compare the global feature importances of two explanations.

    Parameters
    ----------
    a, b : ExplanationReport or pandas.Series
        Explanations (e.g. SHAP of a black box and an EBM) or importance
        Series indexed by feature.
    top_k : int, default=5
        Size of the top lists compared.

    Returns
    -------
    ExplanationComparison
        Spearman correlation, top-k overlap and Jaccard index, ranks side by side.

    Raises
    ------
    ArgumentError
        If an input is of the wrong type, ``top_k`` is not a positive integer or
        fewer than two features are common to both.
    DataValidationError
        If an importance is missing (NaN) or infinite, or a feature is listed twice.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.Series({"age": 0.5, "sex": 0.3, "hours": 0.1})
    >>> b = pd.Series({"age": 0.4, "sex": 0.1, "hours": 0.2})
    >>> cmp = compare_explanations(a, b, top_k=2)
    >>> cmp.top_k_overlap, round(cmp.spearman, 2)
    (1, 0.5)
    """
    top_k = check_int(top_k, argument="top_k", low=1)
    imp_a, imp_b = _importance(a, "a"), _importance(b, "b")
    common = [f for f in imp_a.index if f in set(imp_b.index)]
    if len(common) < 2:
        raise ArgumentError(
            f"The explanations share {len(common)} feature(s) ({', '.join(map(str, common))}); "
            f"a rank comparison needs at least two common features."
        )
    rank_a = imp_a.rank(ascending=False, method="min")
    rank_b = imp_b.rank(ascending=False, method="min")
    rho = spearmanr(imp_a[common].to_numpy(), imp_b[common].to_numpy()).statistic
    top_a, top_b = set(imp_a.index[:top_k]), set(imp_b.index[:top_k])
    overlap = len(top_a & top_b)
    union = list(imp_a.index) + [f for f in imp_b.index if f not in set(imp_a.index)]
    ranks = pd.DataFrame(
        {
            "importance_a": imp_a.reindex(union),
            "importance_b": imp_b.reindex(union),
            "rank_a": rank_a.reindex(union),
            "rank_b": rank_b.reindex(union),
        },
        index=pd.Index(union, name="feature"),
    )
    return ExplanationComparison(
        spearman=float(rho),
        top_k=int(top_k),
        top_k_overlap=overlap,
        jaccard=overlap / len(top_a | top_b),
        ranks=ranks,
        common_features=common,
    )
