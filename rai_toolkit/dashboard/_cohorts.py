"""Dashboard cohorts for sensitive groups, built with ``raiutils.cohort``."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit.exceptions import DataValidationError, MissingGroupWarning

__all__ = ["MAX_INTERSECTIONS", "MAX_GROUPS", "sensitive_cohorts", "cohort_name"]

#: Intersections of sensitive groups become cohorts only when there are at most this many.
MAX_INTERSECTIONS = 12
#: A sensitive feature with more distinct values than this is refused (it looks continuous).
MAX_GROUPS = 30


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
) -> list[Any]:
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
    list of raiutils.cohort.Cohort
        Cohorts named ``"<column> = <value>"`` (intersections join with ``", "``).

    Raises
    ------
    DataValidationError
        If a sensitive feature has too many distinct values to be a group label.
    """
    from raiutils.cohort import Cohort, CohortFilter, CohortFilterMethods

    categorical = set(categorical_features)
    groups = {name: _groups(test, name) for name in sensitive_features}

    def make(pairs: Sequence[tuple[Hashable, Any]]) -> Any:
        cohort = Cohort(name=cohort_name(pairs))
        for col, val in pairs:
            method = (
                CohortFilterMethods.METHOD_INCLUDES
                if col in categorical
                else CohortFilterMethods.METHOD_EQUAL
            )
            cohort.add_cohort_filter(CohortFilter(method=method, arg=[val], column=str(col)))
        return cohort

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
