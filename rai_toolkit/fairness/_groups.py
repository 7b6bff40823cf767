"""Integer group codes for one or more sensitive features.

Groups are the observed combinations of the sensitive features' labels
(intersectional groups). Each feature's labels are sorted when they are
mutually comparable (binned labels by lower edge), otherwise kept in order of
first appearance; the ``"(missing)"`` group comes last. Marginal
groupings (one feature alone) map each intersectional group to its marginal
group (:attr:`Grouping.parent`), so that every count table, and every bootstrap
replicate of it, is summed into them without touching the rows again (and
without a groups x groups matrix, which an ID-like column would make huge).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._validation import MISSING_GROUP
from rai_toolkit.exceptions import DataValidationError

__all__ = ["GroupIndex", "Grouping", "encode_groups"]

# above this many label combinations, combine codes with np.unique instead of a bincount
_MAX_DENSE_COMBINATIONS = 10_000_000
# groups here x intersectional groups up to which a grouping merges with a 0/1 matrix
_DENSE_MERGE = 1_000_000


@dataclass(frozen=True)
class Grouping:
    """A way of splitting rows into groups, as a merge of intersectional groups.

    Attributes
    ----------
    name : str
        ``"intersectional"``, ``"overall"`` or a sensitive feature name.
    index : pandas.Index
        Group labels (a MultiIndex for several features).
    parent : numpy.ndarray or None
        Shape (n_intersectional_groups,): the group of this grouping that each
        intersectional group belongs to; None for the intersectional grouping
        itself. Every group of ``index`` has at least one member.
    """

    name: Hashable
    index: pd.Index
    parent: np.ndarray | None

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return len(self.index)

    def aggregate(self, table: np.ndarray, *, axis: int) -> np.ndarray:
        """Sum the intersectional groups along ``axis`` of ``table`` into this grouping's groups.

        Parameters
        ----------
        table : numpy.ndarray
            Any array whose ``axis`` runs over the intersectional groups.
        axis : int
            The group axis.

        Returns
        -------
        numpy.ndarray
            The same shape with ``n_groups`` along ``axis``.
        """
        if self.parent is None:
            return table
        if self.n_groups * self.parent.size <= _DENSE_MERGE:
            # a small 0/1 matrix: one matrix product over the group axis
            merge = (self.parent[None, :] == np.arange(self.n_groups)[:, None]).astype(float)
            moved = np.moveaxis(table, axis, -1)
            return np.moveaxis(moved @ merge.T, -1, axis)
        order = np.argsort(self.parent, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(self.parent[order]) != 0])
        return np.add.reduceat(np.take(table, order, axis=axis), starts, axis=axis)


@dataclass(frozen=True)
class GroupIndex:
    """Intersectional group codes of every row.

    Attributes
    ----------
    codes : numpy.ndarray
        Shape (n_rows,), intersectional group code of each row (0..n_groups-1).
    features : list
        Sensitive feature names.
    levels : list of list
        Labels of each feature, in display order.
    level_codes : numpy.ndarray
        Shape (n_groups, n_features): code of each feature label per group.
    """

    codes: np.ndarray
    features: list
    levels: list
    level_codes: np.ndarray

    @property
    def n_groups(self) -> int:
        """Number of observed intersectional groups."""
        return int(self.level_codes.shape[0])

    def index(self, columns: list[int] | None = None) -> pd.Index:
        """Group labels for the given feature positions (all by default)."""
        cols = list(range(len(self.features))) if columns is None else columns
        if len(cols) == 1:
            j = cols[0]
            return pd.Index(
                [self.levels[j][c] for c in self.level_codes[:, j]],
                name=self.features[j],
                dtype=object,
            )
        arrays = [[self.levels[j][c] for c in self.level_codes[:, j]] for j in cols]
        return pd.MultiIndex.from_arrays(arrays, names=[self.features[j] for j in cols])

    def intersectional(self) -> Grouping:
        """Return the grouping by every sensitive feature at once."""
        return Grouping("intersectional", self.index(), None)

    def overall(self) -> Grouping:
        """All rows as one group."""
        return Grouping("overall", pd.Index(["overall"]), np.zeros(self.n_groups, dtype=np.intp))

    def marginal(self, position: int) -> Grouping:
        """Return the grouping by one sensitive feature alone."""
        feature = self.features[position]
        level_of_group = self.level_codes[:, position]
        present, parent = np.unique(level_of_group, return_inverse=True)
        index = pd.Index([self.levels[position][c] for c in present], name=feature, dtype=object)
        return Grouping(feature, index, parent.astype(np.intp).ravel())

    def row_codes(self, grouping: Grouping) -> np.ndarray:
        """Row -> group code under ``grouping``."""
        if grouping.parent is None:
            return self.codes
        return grouping.parent[self.codes]


def _bin_lower_edge(label: Any) -> float:
    """Lower edge of a bin label made by prepare_data, e.g. ``"(30, 50]"`` -> 30."""
    try:
        return float(str(label)[1:].split(",")[0])
    except ValueError:
        return math.inf


def _factorize(values: pd.Series, *, binned: bool) -> tuple[np.ndarray, list[Any]]:
    codes, uniques = pd.factorize(values, sort=False)
    labels = [u.item() if isinstance(u, np.generic) else u for u in np.asarray(uniques)]

    def key(label: Any) -> Any:
        missing = label == MISSING_GROUP
        if binned:
            return (missing, _bin_lower_edge(label))
        return (missing, label)

    try:
        order = sorted(range(len(labels)), key=lambda i: key(labels[i]))
    except TypeError:  # labels of mixed, incomparable types: keep order of appearance
        order = list(range(len(labels)))
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return rank[codes], [labels[i] for i in order]


def encode_groups(sensitive: pd.DataFrame, *, binned: Collection[Hashable] = ()) -> GroupIndex:
    """Turn the group-label frame of :func:`prepare_data` into integer codes.

    Parameters
    ----------
    sensitive : pandas.DataFrame
        One column of hashable group labels per sensitive feature, no NaN.
    binned : collection of hashable, default=()
        Features binned by ``prepare_data``; their labels are ordered by lower edge.

    Returns
    -------
    GroupIndex
        Row codes and labels of the observed intersectional groups.

    Raises
    ------
    DataValidationError
        If a sensitive feature takes a single value: fairness compares groups.
    """
    features = list(sensitive.columns)
    per_feature_codes = []
    levels = []
    for name in features:
        codes, labels = _factorize(sensitive[name], binned=name in binned)
        if len(labels) < 2:
            raise DataValidationError(
                f"Sensitive feature {name!r} takes a single value ({labels[0]!r}) in all "
                f"{len(codes)} rows; a fairness analysis compares at least two groups. Pass "
                f"data containing several groups, or drop {name!r} from sensitive_features."
            )
        per_feature_codes.append(codes)
        levels.append(labels)
    sizes = [len(lv) for lv in levels]
    n_combinations = int(np.prod(sizes, dtype=float))
    if len(features) == 1:
        codes = per_feature_codes[0]
        level_codes = np.arange(sizes[0])[:, None]
        present = np.bincount(codes, minlength=sizes[0]) > 0
        return GroupIndex(codes, features, levels, level_codes[present])
    combined = np.ravel_multi_index(per_feature_codes, sizes)
    if n_combinations <= _MAX_DENSE_COMBINATIONS:
        present = np.flatnonzero(np.bincount(combined, minlength=n_combinations))
        remap = np.full(n_combinations, -1, dtype=np.intp)
        remap[present] = np.arange(present.size)
        codes = remap[combined]
    else:
        present, codes = np.unique(combined, return_inverse=True)
    level_codes = np.stack(np.unravel_index(present, sizes), axis=1)
    return GroupIndex(codes.astype(np.intp, copy=False), features, levels, level_codes)
