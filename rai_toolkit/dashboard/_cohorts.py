"""Dashboard cohorts for sensitive groups.

A :class:`Cohort` is plain data in the user's process; the runtime turns it into a
``raiutils.cohort.Cohort`` through the JSON of :meth:`Cohort.to_dict`, which is
raiutils' own format (``name``, ``cohort_filter_list`` of ``method`` / ``arg`` /
``column``).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit.exceptions import DataValidationError, MissingGroupWarning

__all__ = [
    "FILTER_METHODS",
    "MAX_INTERSECTIONS",
    "MAX_GROUPS",
    "Cohort",
    "CohortFilter",
    "cohort_name",
    "sensitive_cohorts",
]

#: Intersections of sensitive groups become cohorts only when there are at most this many.
MAX_INTERSECTIONS = 12
#: A sensitive feature with more distinct values than this is refused (it looks continuous).
MAX_GROUPS = 30
#: Filter methods used here, as raiutils names them: a category, or one discrete number.
FILTER_METHODS = ("includes", "equal")


@dataclass(frozen=True)
class CohortFilter:
    """Rows whose ``column`` matches ``arg`` under ``method`` (raiutils' ``CohortFilter``).

    Attributes
    ----------
    method : {"includes", "equal"}
        ``includes``: the value is one of ``arg``; ``equal``: it equals ``arg[0]``.
    arg : list
        The values.
    column : str
        The column filtered.
    """

    method: str
    arg: list[Any]
    column: str

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"method", "arg", "column"}``."""
        return {"method": self.method, "arg": list(self.arg), "column": self.column}


@dataclass(frozen=True)
class Cohort:
    """A named set of filters, offered in the dashboard's cohort selector.

    Attributes
    ----------
    name : str
        Shown in the dashboard, e.g. ``"sex = Female"``.
    cohort_filter_list : tuple of CohortFilter
        All must hold (raiutils' attribute name).
    """

    name: str
    cohort_filter_list: tuple[CohortFilter, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return raiutils' JSON form: ``{"name", "cohort_filter_list": [...]}``."""
        filters = [f.to_dict() for f in self.cohort_filter_list]
        return {"name": self.name, "cohort_filter_list": filters}

    @classmethod
    def from_dict(cls, data: Any) -> Cohort:
        """Build a cohort from :meth:`to_dict` output (or ``filters`` for the filter list).

        Raises
        ------
        ValueError
            ``data`` does not have that shape.
        """
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise ValueError(f"a cohort must be a dict with a 'name' string; got {data!r}")
        filters = data.get("cohort_filter_list", data.get("filters")) or []
        out = []
        for f in filters:
            if (
                not isinstance(f, dict)
                or f.get("method") not in FILTER_METHODS
                or not isinstance(f.get("arg"), list)
                or not isinstance(f.get("column"), str)
            ):
                raise ValueError(f"cohort {data['name']!r} has a malformed filter {f!r}")
            out.append(CohortFilter(f["method"], list(f["arg"]), f["column"]))
        return cls(data["name"], tuple(out))


def cohort_name(pairs: Sequence[tuple[Hashable, Any]]) -> str:
    """Name of the cohort selecting ``column = value`` for each pair, e.g. ``sex = Female``."""
    return ", ".join(f"{col} = {val}" for col, val in pairs)


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _groups(test: pd.DataFrame, name: Hashable) -> list[Any]:
    col = test[name]
    n_missing = int(col.isna().sum())
    if n_missing:
        warnings.warn(
            f"Sensitive feature {name!r} has {n_missing} missing value(s) in the test data; "
            f"the dashboard's cohort filters cannot select missing values, so those rows "
            f"belong to no sensitive-group cohort (they stay in 'All data'). Fill them, e.g. "
            f"test[{name!r}].fillna('(missing)'), to get a cohort for them.",
            MissingGroupWarning,
            stacklevel=4,
        )
    values = pd.unique(col.dropna())
    if len(values) > MAX_GROUPS:
        raise DataValidationError(
            f"Sensitive feature {name!r} has {len(values)} distinct values in the test data; "
            f"one cohort per group needs at most {MAX_GROUPS}. Bin it into a new column "
            f"(e.g. pd.cut(test[{name!r}], [0, 25, 45, 65, 120]).astype(str)) and pass that "
            f"column as sensitive feature and in categorical_features."
        )
    return sorted((_python(v) for v in values), key=lambda v: (str(type(v)), v))


def sensitive_cohorts(
    test: pd.DataFrame,
    sensitive_features: Sequence[Hashable],
    *,
    categorical_features: Sequence[Hashable],
) -> list[Cohort]:
    """One cohort per sensitive group, plus one per intersection when there are few.

    Parameters
    ----------
    test : pandas.DataFrame
        The data the dashboard shows (cohorts are validated against it).
    sensitive_features : sequence of hashable
        Sensitive columns.
    categorical_features : sequence of hashable
        Categorical columns; they are filtered with ``includes``, other
        (discrete numeric) columns with ``equal``.

    Returns
    -------
    list of Cohort
        Cohorts named ``"<column> = <value>"`` (intersections join with ``", "``).

    Raises
    ------
    DataValidationError
        If a sensitive feature has too many distinct values to be a group label.
    """
    categorical = set(categorical_features)
    groups = {name: _groups(test, name) for name in sensitive_features}

    def make(pairs: Sequence[tuple[Hashable, Any]]) -> Cohort:
        return Cohort(
            cohort_name(pairs),
            tuple(
                CohortFilter("includes" if col in categorical else "equal", [val], str(col))
                for col, val in pairs
            ),
        )

    cohorts = [make([(name, val)]) for name, vals in groups.items() for val in vals]
    if len(sensitive_features) > 1:
        observed = test[list(sensitive_features)].dropna().drop_duplicates()
        combos = [
            tuple(_python(v) for v in row)
            for row in observed.itertuples(index=False, name=None)
        ]
        if len(combos) <= MAX_INTERSECTIONS:
            order = {name: {v: i for i, v in enumerate(vals)} for name, vals in groups.items()}
            combos.sort(key=lambda c: tuple(order[n][v] for n, v in zip(sensitive_features, c)))
            cohorts += [make(list(zip(sensitive_features, combo))) for combo in combos]
    return cohorts
