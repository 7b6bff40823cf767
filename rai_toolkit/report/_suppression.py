"""Small-cell suppression for shared reports.

A report shared outside the team must not reveal facts about a handful of
people. Any group with fewer than ``min_cell_size`` rows shows no count and no
rate ("primary" suppression). Hiding the small group alone is not enough: when
the other groups of the same feature and the overall total are shown, the
hidden count is ``total - sum(others)``; with intersectional groups
(``sex x race``) the row and column totals give further equations. So more
cells are hidden ("complementary" suppression), smallest first, until every
hidden small cell is *protected*:

    Over all tables consistent with every number shown (cells of at least one
    row, since a group listed in the report exists), the hidden cell can take
    values spanning at least ``min_cell_size``.

The feasible range of each hidden cell is computed exactly with two linear
programmes (minimise and maximise the cell subject to the shown totals), so the
guarantee covers subtraction and any other linear combination of shown counts
(overall, per-feature marginals and intersectional cells), and also bounds
arguments such as "two hidden groups sum to 2, so each is 1". It does not cover
rates whose numerator is 0 or equal to the denominator for all hidden groups
together (then every hidden rate is 0 or 1); the report states this limit.

The plan is computed once from the group counts and stored in the
:class:`~rai_toolkit.report.Assessment`; every view (HTML, JSON, CLI) reads it.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._scalars import check_int
from rai_toolkit._validation import MISSING_GROUP
from rai_toolkit.exceptions import ArgumentError

__all__ = [
    "OVERALL",
    "INTERSECTIONAL",
    "SUPPRESSED",
    "SuppressionPlan",
    "check_min_cell_size",
    "group_counts",
    "plan_suppression",
]

#: Text shown in place of a suppressed number.
SUPPRESSED = "suppressed"
#: Grouping name of the whole data set.
OVERALL = "overall"
#: Grouping name of the combinations of every sensitive feature.
INTERSECTIONAL = "intersectional"

_MIN_CELL_HINT = (
    "Pass e.g. min_cell_size=10 (groups with fewer rows are hidden in shared reports)."
)

Cell = tuple[Hashable, Any]  # (grouping name, group label)


def check_min_cell_size(value: Any) -> int:
    """Return ``value`` as an int if it is a valid ``min_cell_size`` (an integer >= 1)."""
    return check_int(value, argument="min_cell_size", low=1, hint=_MIN_CELL_HINT)


def group_counts(sensitive: pd.DataFrame) -> pd.Series:
    """Count the rows of every observed intersectional group.

    Parameters
    ----------
    sensitive : pandas.DataFrame
        One column of group labels per sensitive feature (as returned by
        :func:`rai_toolkit._validation.encode_sensitive`), no missing values.

    Returns
    -------
    pandas.Series
        Counts indexed by the group labels (a MultiIndex for several features,
        named after the features).
    """
    counts = sensitive.groupby(list(sensitive.columns), sort=True, dropna=False).size()
    counts.name = "count"
    return counts


@dataclass(frozen=True)
class SuppressionPlan:
    """Which groups a shared report hides, and why.

    Attributes
    ----------
    min_cell_size : int
        Groups with fewer rows than this are hidden.
    features : tuple
        Sensitive feature names, in order.
    reasons : dict
        ``{(grouping, group): "below minimum" | "complementary"}`` for every
        hidden cell; ``grouping`` is a feature name, :data:`INTERSECTIONAL`
        (``group`` a tuple of labels) or :data:`OVERALL` (``group`` is
        ``"overall"``).
    intersectional : bool
        Whether intersectional groups are shown.
    """

    min_cell_size: int
    features: tuple
    reasons: dict
    intersectional: bool = True

    def is_suppressed(self, grouping: Hashable, group: Any) -> bool:
        """Return True if ``group`` of ``grouping`` must not be shown.

        Parameters
        ----------
        grouping : hashable
            A sensitive feature name, :data:`INTERSECTIONAL` or :data:`OVERALL`.
        group : object
            Group label (a tuple for intersectional groups).

        Returns
        -------
        bool
            Whether the group's numbers are hidden.
        """
        if grouping == INTERSECTIONAL and not isinstance(group, tuple):
            group = (group,)
        return (grouping, group) in self.reasons

    def suppressed_groups(self, grouping: Hashable) -> list[Any]:
        """Return the hidden groups of ``grouping`` (possibly empty).

        Parameters
        ----------
        grouping : hashable
            A sensitive feature name, :data:`INTERSECTIONAL` or :data:`OVERALL`.

        Returns
        -------
        list
            Group labels.
        """
        return [g for (name, g) in self.reasons if name == grouping]

    @property
    def any(self) -> bool:
        """True if anything is hidden."""
        return bool(self.reasons)

    @property
    def overall_suppressed(self) -> bool:
        """True if even the total number of rows is hidden."""
        return (OVERALL, OVERALL) in self.reasons

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready description.

        Returns
        -------
        dict
            ``{"min_cell_size": int, "features": [str], "intersectional": bool,
            "overall_suppressed": bool, "groups": [{"grouping": str, "group":
            str | [str], "reason": "below minimum" | "complementary"}]}``.
        """
        groups = []
        for (name, group), reason in self.reasons.items():
            label = [str(g) for g in group] if isinstance(group, tuple) else str(group)
            groups.append({"grouping": str(name), "group": label, "reason": reason})
        return {
            "min_cell_size": self.min_cell_size,
            "features": [str(f) for f in self.features],
            "intersectional": self.intersectional,
            "overall_suppressed": self.overall_suppressed,
            "groups": groups,
        }


def _published_cells(counts: pd.Series, *, intersectional: bool) -> tuple[list[Cell], np.ndarray]:
    """List every number the report can show and its aggregation row over the joint cells."""
    index = counts.index
    features = list(index.names)
    joint = [k if isinstance(k, tuple) else (k,) for k in index]
    n = len(joint)
    cells: list[Cell] = [(OVERALL, OVERALL)]
    rows = [np.ones(n)]
    for j, feature in enumerate(features):
        levels = list(dict.fromkeys(k[j] for k in joint))
        for level in levels:
            cells.append((feature, level))
            rows.append(np.array([1.0 if k[j] == level else 0.0 for k in joint]))
    if intersectional and len(features) > 1:
        for i, key in enumerate(joint):
            cells.append((INTERSECTIONAL, key))
            row = np.zeros(n)
            row[i] = 1.0
            rows.append(row)
    return cells, np.vstack(rows)


def _labels(cell: Cell, features: list) -> dict:
    name, group = cell
    if name == OVERALL:
        return {}
    if name == INTERSECTIONAL:
        return dict(zip(features, group))
    return {name: group}


def feasible_range(
    matrix: np.ndarray, values: np.ndarray, shown: np.ndarray, target: int
) -> tuple[float, float]:
    """Range of one published cell over all joint tables consistent with the shown cells.

    Parameters
    ----------
    matrix : numpy.ndarray
        Aggregation rows (published cell x joint cell).
    values : numpy.ndarray
        True value of every published cell.
    shown : numpy.ndarray of bool
        Which published cells are visible.
    target : int
        Row of the cell whose range is wanted.

    Returns
    -------
    (float, float)
        Smallest and largest feasible value (``inf`` when unbounded), with
        every joint cell at least 1.
    """
    from scipy.optimize import linprog

    a_eq = matrix[shown]
    b_eq = values[shown]
    bounds = [(1, None)] * matrix.shape[1]
    cost = matrix[target]
    eq = {"A_eq": a_eq, "b_eq": b_eq} if a_eq.size else {}
    low = linprog(cost, bounds=bounds, method="highs", **eq)
    high = linprog(-cost, bounds=bounds, method="highs", **eq)
    lo = float(low.fun) if low.status == 0 else -np.inf
    hi = float(-high.fun) if high.status == 0 else np.inf
    return lo, hi


def _in_canonical_order(counts: pd.Series) -> pd.Series:
    """Sort ``counts`` by group label, so that a plan depends on the counts, not their order.

    Ties between equally small cells are broken by position; without a canonical
    order the same data given in another row order (an engine's table, a
    shuffled frame) could hide different complementary groups. Labels that do
    not compare with each other are ordered by type name and text instead.
    """
    try:
        return counts.sort_index(na_position="last")
    except TypeError:
        labels = [lab if isinstance(lab, tuple) else (lab,) for lab in counts.index]
        keys = [tuple((pd.isna(v), type(v).__name__, str(v)) for v in lab) for lab in labels]
        return counts.iloc[sorted(range(len(keys)), key=keys.__getitem__)]


def plan_suppression(
    counts: pd.Series, *, min_cell_size: int = 10, intersectional: bool = True
) -> SuppressionPlan:
    """Decide which groups to hide so that no small group can be recovered.

    Parameters
    ----------
    counts : pandas.Series
        Rows per observed intersectional group, indexed by the group labels
        (see :func:`group_counts`); the index names are the feature names.
    min_cell_size : int, default=10
        Groups with fewer rows are hidden, plus as many further groups as
        needed so that the values consistent with everything shown span at
        least ``min_cell_size`` for every hidden small group.
    intersectional : bool, default=True
        Whether the report shows intersectional groups (several features).

    Returns
    -------
    SuppressionPlan
        The hidden cells with the reason for each.

    Raises
    ------
    ArgumentError
        If ``min_cell_size`` is not a positive integer, or a group label is
        missing (NaN/None).

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.Series([500, 300, 4], index=pd.Index(["a", "b", "c"], name="race"))
    >>> plan = plan_suppression(counts, min_cell_size=10)
    >>> sorted(str(g) for g in plan.suppressed_groups("race"))
    ['b', 'c']
    """
    k = check_min_cell_size(min_cell_size)
    if counts.index.to_frame().isna().to_numpy().any():
        raise ArgumentError(
            "counts has a missing group label; a missing sensitive value is its own group: "
            f"label it, e.g. {MISSING_GROUP!r} as analyze_fairness and group_counts' input do."
        )
    counts = _in_canonical_order(counts)
    features = list(counts.index.names)
    cells, matrix = _published_cells(counts, intersectional=intersectional)
    joint = counts.to_numpy(dtype=float)
    values = matrix @ joint
    position = {cell: i for i, cell in enumerate(cells)}
    reasons: dict[Cell, str] = {cell: "below minimum" for cell, v in zip(cells, values) if v < k}
    primary = [position[c] for c in reasons]

    labels = [_labels(cell, features) for cell in cells]

    def related(i: int, j: int) -> bool:
        a, b = labels[i], labels[j]
        if any(a[f] == b[f] for f in set(a) & set(b)):
            return True
        # sibling marginals of one feature sum to the total
        return len(a) == len(b) == 1 and set(a) == set(b)

    def first_exposed(shown: np.ndarray) -> tuple[int | None, float]:
        for i in primary:
            lo, hi = feasible_range(matrix, values, shown, i)
            if hi - lo < k:
                return i, hi - lo
        return None, np.inf

    for _ in range(len(cells)):
        shown = np.array([c not in reasons for c in cells])
        exposed, _width = first_exposed(shown)
        if exposed is None:
            break
        hidden = np.flatnonzero(~shown)
        near = [
            j
            for j in np.flatnonzero(shown)
            if cells[j][0] != OVERALL and any(related(h, j) for h in hidden)
        ]
        by_size = sorted(near, key=lambda j: (values[j], j))
        choice = None
        for j in by_size:  # the smallest single cell that protects the exposed one
            trial = shown.copy()
            trial[j] = False
            lo, hi = feasible_range(matrix, values, trial, exposed)
            if hi - lo >= k:
                choice = j
                break
        if choice is None:  # none alone: hide the smallest neighbour and go on
            pool = by_size or sorted(
                np.flatnonzero(shown), key=lambda j: (cells[j][0] == OVERALL, values[j], j)
            )
            choice = pool[0]
        reasons[cells[choice]] = "complementary"

    # Un-hide complementary cells that turned out unnecessary, largest first.
    extra = sorted(
        (position[c] for c, r in reasons.items() if r == "complementary"),
        key=lambda j: -values[j],
    )
    for j in extra:
        shown = np.array([c not in reasons for c in cells])
        shown[j] = True
        if first_exposed(shown)[0] is None:
            del reasons[cells[j]]
    return SuppressionPlan(
        min_cell_size=k,
        features=tuple(features),
        reasons=reasons,
        intersectional=intersectional and len(features) > 1,
    )
