"""``bias_audit``: selection or scoring rates and impact ratios per category.

The audit follows NYC Local Law 144's rules (6 RCNY §5-300/5-301): per
category of each dimension (sex, race/ethnicity, ...) and of their
intersection, the number of applicants, the selection rate (or, for a score,
the *scoring rate*: the share strictly above the median score of all rows) and
the impact ratio (the category's rate divided by the highest rate of the
dimension). ``standard="eeoc"`` adds the four-fifths rule of 29 CFR 1607.4(D),
a two-sided Fisher exact test against the highest-rate category and the
shortfall of selections.

All numbers come from one count table of (category combination, selected)
built by :func:`rai_toolkit.fairness._cells.build_cells`; every dimension is a
sum over it, and the bootstrap draws replicate tables from it with
:func:`rai_toolkit.fairness._cells.bootstrap_tables` (a multinomial draw over
its cells is exactly a row bootstrap).
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._scalars import check_bool
from rai_toolkit._validation import check_columns, check_data_frame, is_continuous
from rai_toolkit.audit._result import (
    INTERSECTION_SEPARATOR,
    SMALL_SHARE,
    STANDARDS,
    AuditMeta,
    BiasAudit,
)
from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.fairness._cells import bootstrap_tables, build_cells

__all__ = ["bias_audit", "DATA_SOURCES"]

#: Where the audited data comes from (6 RCNY §5-301: historical data, or test data when
#: historical data is insufficient).
DATA_SOURCES = ("historical", "test")
#: Smallest accepted positive ``n_boot``: percentile intervals from fewer replicates are noise.
MIN_BOOT = 100
#: An interval is reported only when the statistic is defined in at least this share of replicates.
MIN_DEFINED_FRACTION = 0.5
_MAX_LISTED = 8
#: Largest number of bootstrap values held at once (about 800 MB of float64).
MAX_BOOTSTRAP_VALUES = 100_000_000


# ----------------------------------------------------------------------------- validation
def _is_column_name(value: Any) -> bool:
    return isinstance(value, Hashable) and not isinstance(
        value, tuple | list | np.ndarray | pd.Series | pd.Index | pd.DataFrame
    )


def _is_tuple_column(data: pd.DataFrame, value: Any) -> bool:
    """Tell whether ``value`` is a tuple naming a column of a frame with MultiIndex columns."""
    return isinstance(value, tuple) and isinstance(data.columns, pd.MultiIndex) and (
        value in data.columns
    )


def _check_column_argument(data: pd.DataFrame, value: Any, *, argument: str) -> Hashable:
    if not _is_column_name(value) and not _is_tuple_column(data, value):
        raise ArgumentError(
            f"`{argument}` must be the name of a column of `data`; received "
            f"{type(value).__name__}. Add the values to data as a column and pass its name, "
            f"e.g. {argument}='hired'."
        )
    check_columns(data, [value], argument=argument)
    return value


def _check_categories(data: pd.DataFrame, categories: Any) -> dict[str, Hashable]:
    if not isinstance(categories, Mapping):
        raise ArgumentError(
            f"`categories` must map each dimension to a column of `data`, e.g. "
            f"{{'sex': 'sex', 'race_ethnicity': 'race'}}; received {type(categories).__name__}."
        )
    if not categories:
        raise ArgumentError(
            "`categories` is empty; map at least one dimension to a column, e.g. "
            "{'sex': 'sex', 'race_ethnicity': 'race'}."
        )
    out: dict[str, Hashable] = {}
    for dimension, column in categories.items():
        if not isinstance(dimension, str) or not dimension.strip():
            raise ArgumentError(
                f"Every dimension name in `categories` must be a non-empty string; received "
                f"{dimension!r}. Use names such as 'sex' or 'race_ethnicity'."
            )
        if INTERSECTION_SEPARATOR.strip() in dimension:
            raise ArgumentError(
                f"Dimension name {dimension!r} contains {INTERSECTION_SEPARATOR.strip()!r}, which "
                f"names the intersection of dimensions; rename the dimension."
            )
        if not _is_column_name(column) and not _is_tuple_column(data, column):
            raise ArgumentError(
                f"categories[{dimension!r}] must be the name of a column of `data`; received "
                f"{type(column).__name__}."
            )
        out[dimension] = column
    columns = list(out.values())
    repeated = sorted({str(c) for c in columns if columns.count(c) > 1})
    if repeated:
        raise ArgumentError(
            f"`categories` uses column(s) {', '.join(map(repr, repeated))} for more than one "
            f"dimension; map each dimension to its own column."
        )
    check_columns(data, columns, argument="categories")
    return out


def _check_selected(values: pd.Series, column: Hashable) -> np.ndarray:
    missing = int(values.isna().sum())
    if missing:
        raise DataValidationError(
            f"Selection column {column!r} has {missing} missing value(s); every applicant needs "
            f"an outcome (1 = selected, 0 = not selected). Fill or drop those rows explicitly."
        )
    distinct = pd.unique(values.to_numpy(dtype=object))
    allowed = {0, 1}
    bad = [v for v in distinct if isinstance(v, str) or not _in(v, allowed)]
    if bad:
        shown = ", ".join(repr(v) for v in bad[:_MAX_LISTED])
        raise DataValidationError(
            f"Selection column {column!r} must be binary (0/1 or False/True); it also holds "
            f"{shown}{' ...' if len(bad) > _MAX_LISTED else ''}. Encode the outcome as 1 = "
            f"selected, 0 = not selected, or pass score= for a numeric score."
        )
    return values.to_numpy(dtype=float) == 1.0


def _in(value: Any, allowed: set) -> bool:
    try:
        return bool(value in allowed)
    except TypeError:
        return False


def _check_score(values: pd.Series, column: Hashable) -> np.ndarray:
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise DataValidationError(
            f"Score column {column!r} must be numeric; it has dtype {values.dtype}. Pass the "
            f"AEDT's numeric score, or selected= for a 0/1 outcome."
        )
    score = values.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(score)
    if bad.any():
        raise DataValidationError(
            f"Score column {column!r} has {int(bad.sum())} missing or infinite value(s); every "
            f"applicant needs a finite score. Fill or drop those rows explicitly."
        )
    return score


def _encode_dimension(
    data: pd.DataFrame, dimension: str, column: Hashable
) -> tuple[np.ndarray, list[str]]:
    """Codes 0..k-1 of the known categories (sorted) and k for a missing category."""
    values = data[column]
    known = values.notna().to_numpy()
    if not known.any():
        raise DataValidationError(
            f"Category column {column!r} (dimension {dimension!r}) is entirely missing; pass a "
            f"column that records the category of at least some applicants.",
            argument="categories",
        )
    present = values[known]
    if is_continuous(present):
        raise DataValidationError(
            f"Category column {column!r} (dimension {dimension!r}) looks continuous "
            f"({present.nunique()} distinct numeric values); an impact ratio compares demographic "
            f"categories. Pass a column of category labels, e.g. one made with pd.cut.",
            argument="categories",
        )
    try:
        uniques = pd.unique(present.to_numpy(dtype=object))
    except TypeError as err:
        raise DataValidationError(
            f"Category column {column!r} holds unhashable values (e.g. lists); categories must "
            f"be labels. Convert them, e.g. data[{column!r}].astype(str).",
            argument="categories",
        ) from err
    try:
        ordered = sorted(uniques)
    except TypeError:
        ordered = sorted(uniques, key=lambda v: (type(v).__name__, str(v)))
    labels = [str(v) for v in ordered]
    if len(set(labels)) != len(labels):
        clash = sorted({t for t in labels if labels.count(t) > 1})
        raise DataValidationError(
            f"Category column {column!r} holds different values that read the same "
            f"({', '.join(map(repr, clash))}, e.g. 1 and '1'); make the labels consistent, "
            f"e.g. data[{column!r}].astype(str).",
            argument="categories",
        )
    if len(labels) < 2:
        raise DataValidationError(
            f"Category column {column!r} (dimension {dimension!r}) has a single category "
            f"({labels[0]!r}) among its known values; an impact ratio compares at least two "
            f"categories. Pass data with several categories, or leave {dimension!r} out of "
            f"`categories`.",
            argument="categories",
        )
    lookup = {v: i for i, v in enumerate(ordered)}
    codes = np.full(len(values), len(labels), dtype=np.intp)
    codes[known] = present.map(lookup).to_numpy(dtype=np.intp)
    return codes, labels


def _check_date(date: Any) -> _dt.date:
    """Return the audit date: today (UTC) by default; a real calendar day, not after today."""
    today = _dt.datetime.now(_dt.UTC).date()
    if date is None:
        return today
    if date is pd.NaT:
        raise ArgumentError(
            "date is NaT (a missing date); pass the day the audit was carried out, as "
            "'YYYY-MM-DD' or a datetime.date, or leave it out for today.",
            argument="date",
        )
    if isinstance(date, _dt.datetime):  # pandas.Timestamp included
        day = date.date()
    elif isinstance(date, _dt.date):
        day = date
    elif isinstance(date, str):
        try:
            day = _dt.date.fromisoformat(date.strip())
        except ValueError as err:
            raise ArgumentError(
                f"date={date!r} is not an ISO date; pass 'YYYY-MM-DD' or a datetime.date.",
                argument="date",
            ) from err
    else:
        raise ArgumentError(
            f"date must be None (today), a datetime.date or an ISO string 'YYYY-MM-DD'; "
            f"received {type(date).__name__}.",
            argument="date",
        )
    # one day of slack: the caller's local date may be ahead of UTC
    if day > today + _dt.timedelta(days=1):
        raise ArgumentError(
            f"date={day.isoformat()} is in the future (today is {today.isoformat()} UTC); the "
            f"audit date is the day the audit was carried out. Pass that day, or leave date out "
            f"for today.",
            argument="date",
        )
    return day


def _check_choice(value: Any, choices: tuple[str, ...], *, argument: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ArgumentError(
            f"{argument}={value!r} is not valid; choose one of: {', '.join(choices)}."
        )
    return value


def _check_options(n_boot: Any, ci: Any, random_state: Any) -> None:
    if (
        not isinstance(n_boot, numbers.Integral)
        or isinstance(n_boot, bool)
        or (n_boot != 0 and n_boot < MIN_BOOT)
    ):
        raise ArgumentError(
            f"n_boot must be 0 (no intervals) or an integer >= {MIN_BOOT}; received {n_boot!r}. "
            f"Use n_boot=1000 for reported intervals."
        )
    if not isinstance(ci, numbers.Real) or isinstance(ci, bool) or not 0.0 < ci < 1.0:
        raise ArgumentError(
            f"ci must be a coverage strictly between 0 and 1 (e.g. 0.95); received {ci!r}."
        )
    if random_state is None or isinstance(random_state, np.random.Generator):
        return
    if (
        not isinstance(random_state, numbers.Integral)
        or isinstance(random_state, bool)
        or random_state < 0
    ):
        raise ArgumentError(
            f"random_state must be None, a non-negative integer or a numpy.random.Generator; "
            f"received {random_state!r}."
        )


# ----------------------------------------------------------------------------- statistics
def _percentile(replicates: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval along axis 0, NaN where the statistic is mostly undefined."""
    alpha = (1.0 - ci) / 2.0
    defined = (~np.isnan(replicates)).mean(axis=0)
    lower = np.full(replicates.shape[1:], np.nan)
    upper = lower.copy()
    ok = defined >= MIN_DEFINED_FRACTION
    if ok.any():
        lower[ok], upper[ok] = np.nanquantile(replicates[:, ok], [alpha, 1.0 - alpha], axis=0)
    return lower, upper


def _impact_ratios(rates: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Rates (..., k) divided by the highest rate among the eligible categories."""
    pool = np.where(eligible, rates, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        if pool.ndim == 1:
            best = np.nan if np.all(np.isnan(pool)) else np.nanmax(pool)
        else:
            empty = np.all(np.isnan(pool), axis=-1)
            best = np.nanmax(np.where(empty[..., None], -np.inf, pool), axis=-1)
            best = np.where(empty, np.nan, best)[..., None]
        ratio = rates / best
    return np.where(np.isfinite(ratio), ratio, np.nan)


def _rates(table: np.ndarray, onehot: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Applicants, selected and rate per category from (..., combos, 2, 2, 1) count tables."""
    apps = table.sum(axis=(-3, -2, -1)) @ onehot
    sel = table[..., 1, 1, :].sum(axis=-1) @ onehot
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = np.where(apps > 0, sel / np.where(apps > 0, apps, 1), np.nan)
    return apps, sel, rates


def _eeoc_columns(
    applicants: np.ndarray, selected: np.ndarray, reference: int | None
) -> dict[str, list[Any]]:
    """Four-fifths verdict, Fisher exact p-value and shortfall against the reference."""
    from scipy.stats import fisher_exact

    k = applicants.size
    if reference is None:
        return {"four_fifths": [None] * k, "p_value": [np.nan] * k, "shortfall": [0] * k}
    n_ref, s_ref = int(applicants[reference]), int(selected[reference])
    four, p_values, shortfall = [], [], []
    for n_c, s_c in zip(applicants.astype(int), selected.astype(int)):
        # exact integer arithmetic: s_c/n_c >= 4/5 * s_ref/n_ref  <=>  5 s_c n_ref >= 4 s_ref n_c
        need = 4 * s_ref * n_c - 5 * n_ref * s_c
        four.append("pass" if need <= 0 else "fail")
        shortfall.append(max(0, -(-need // (5 * n_ref))))
    for i, (n_c, s_c) in enumerate(zip(applicants.astype(int), selected.astype(int))):
        if i == reference:
            p_values.append(np.nan)
            continue
        table = [[s_c, n_c - s_c], [s_ref, n_ref - s_ref]]
        p_values.append(float(fisher_exact(table, alternative="two-sided")[1]))
    return {"four_fifths": four, "p_value": p_values, "shortfall": shortfall}


# ----------------------------------------------------------------------------- steps
@dataclass(frozen=True)
class _Grouping:
    """One audited dimension (or the intersection) as a sum over category combinations."""

    name: str
    labels: list[str]
    onehot: np.ndarray  # (combinations, categories): which category each combination counts in


def _count_table(
    encoded: dict[str, tuple[np.ndarray, list[str]]], chosen: np.ndarray, *, intersectional: bool
) -> tuple[np.ndarray, list[_Grouping], dict[str, int]]:
    """One count table over every observed combination of categories (unknown included).

    Returns the table (combinations, 2, 2, 1), each dimension (and the intersection) as a
    one-hot sum over its combinations, and the rows with an unknown category per dimension.
    """
    n_rows = len(chosen)
    radix = [len(labels) + 1 for _, labels in encoded.values()]
    if math.prod(radix) >= 2**62:
        raise DataValidationError(
            f"The category columns have too many categories together ({' x '.join(map(str, radix))}"
            f" combinations); audit fewer dimensions at a time."
        )
    key = np.zeros(n_rows, dtype=np.int64)
    for (codes, _), size in zip(encoded.values(), radix):
        key = key * size + codes
    combos, joint = np.unique(key, return_inverse=True)
    counts = build_cells(joint.reshape(-1), combos.size, chosen, chosen).counts

    # the category of each combination in each dimension (-1: unknown); combos are sorted by
    # key, i.e. lexicographically by the dimensions' codes
    combo_codes: dict[str, np.ndarray] = {}
    rest = combos.copy()
    for d, size in zip(reversed(list(encoded)), reversed(radix)):
        combo_codes[d] = np.where(rest % size < size - 1, rest % size, -1)
        rest = rest // size

    def grouping(name: str, labels: list[str], member: np.ndarray) -> _Grouping:
        onehot = np.zeros((combos.size, len(labels)))
        mapped = np.flatnonzero(member >= 0)
        onehot[mapped, member[mapped]] = 1.0
        return _Grouping(name, labels, onehot)

    groupings = [grouping(d, labels, combo_codes[d]) for d, (_, labels) in encoded.items()]
    unknown = {d: int((codes == len(labels)).sum()) for d, (codes, labels) in encoded.items()}
    if intersectional and len(encoded) > 1:
        name = INTERSECTION_SEPARATOR.join(encoded)
        known = np.all([combo_codes[d] >= 0 for d in encoded], axis=0)
        order = np.flatnonzero(known)
        labels = [
            INTERSECTION_SEPARATOR.join(encoded[d][1][combo_codes[d][c]] for d in encoded)
            for c in order
        ]
        member = np.full(combos.size, -1)
        member[order] = np.arange(order.size)
        groupings.append(grouping(name, labels, member))
        unknown[name] = int(n_rows - counts[known].sum())
    return counts, groupings, unknown


def _check_bootstrap_size(n_boot: int, groupings: list[_Grouping]) -> None:
    n_categories = sum(len(g.labels) for g in groupings)
    n_combos = groupings[0].onehot.shape[0]
    n_values = n_boot * (2 * n_categories + 4 * n_combos)
    if n_values > MAX_BOOTSTRAP_VALUES:
        raise ArgumentError(
            f"n_boot={n_boot} replicates of {n_categories} categories ({n_combos} category "
            f"combinations) would hold about {8 * n_values / 1e9:.1f} GB; lower n_boot (1000 "
            f"is plenty for 95% intervals) or audit fewer dimensions at a time."
        )


def _category_rows(g: _Grouping, **columns: list[Any]) -> list[dict[str, Any]]:
    """One record per category of ``g``: its dimension and label, then each column's value."""
    return [
        {"dimension": g.name, "category": label, **{name: v[i] for name, v in columns.items()}}
        for i, label in enumerate(g.labels)
    ]


def _point_estimates(
    groupings: list[_Grouping], counts: np.ndarray, *, n_rows: int, exclude_small: bool,
    standard: str,
) -> tuple[list[dict[str, Any]], dict[str, str | None], dict[str, list[str]]]:
    """Table rows, the highest-rate category and the excluded small categories per dimension."""
    rows: list[dict[str, Any]] = []
    references: dict[str, str | None] = {}
    excluded: dict[str, list[str]] = {}
    for g in groupings:
        apps, sel, rates = _rates(counts, g.onehot)
        small = apps < SMALL_SHARE * n_rows
        eligible = _eligible(g, counts, n_rows, exclude_small)
        ratios = _impact_ratios(rates, eligible)
        reference = int(np.argmax(np.where(eligible, rates, -np.inf))) if eligible.any() else None
        references[g.name] = None if reference is None else g.labels[reference]
        excluded[g.name] = [g.labels[i] for i in np.flatnonzero(small)] if exclude_small else []
        extra = _eeoc_columns(apps, sel, reference) if standard == "eeoc" else {}
        rows += _category_rows(
            g,
            applicants=apps.astype(int).tolist(),
            selected=sel.astype(int).tolist(),
            rate=rates.astype(float).tolist(),
            impact_ratio=ratios.astype(float).tolist(),
            small_category=small.tolist(),
            **extra,
        )
    return rows, references, excluded


def _eligible(g: _Grouping, counts: np.ndarray, n_rows: int, exclude_small: bool) -> np.ndarray:
    """Categories that may be the highest-rate reference (fixed by the observed data)."""
    if not exclude_small:
        return np.ones(len(g.labels), dtype=bool)
    return _rates(counts, g.onehot)[0] >= SMALL_SHARE * n_rows


def _intervals(
    groupings: list[_Grouping], counts: np.ndarray, *, n_boot: int, ci: float,
    random_state: Any, exclude_small: bool = False,
) -> list[dict[str, Any]]:
    """Percentile intervals of every rate and impact ratio from multinomial replicate tables."""
    n_rows = int(round(counts.sum()))
    bounds = {}
    if n_boot:
        rng = np.random.default_rng(random_state)
        eligible = {g.name: _eligible(g, counts, n_rows, exclude_small) for g in groupings}
        reps_rate = {g.name: np.empty((n_boot, len(g.labels))) for g in groupings}
        reps_ratio = {g.name: np.empty((n_boot, len(g.labels))) for g in groupings}
        for start, reps in bootstrap_tables(counts, n_boot=n_boot, rng=rng):
            stop = start + reps.shape[0]
            for g in groupings:
                rates = _rates(reps, g.onehot)[2]
                reps_rate[g.name][start:stop] = rates
                reps_ratio[g.name][start:stop] = _impact_ratios(rates, eligible[g.name])
        for g in groupings:
            bounds[g.name] = (*_percentile(reps_rate[g.name], ci),
                              *_percentile(reps_ratio[g.name], ci))  # fmt: skip
    out = []
    for g in groupings:
        nan = np.full(len(g.labels), np.nan)
        r_lo, r_hi, i_lo, i_hi = bounds.get(g.name, (nan, nan, nan, nan))
        out += _category_rows(
            g,
            rate_lower=r_lo.tolist(),
            rate_upper=r_hi.tolist(),
            impact_ratio_lower=i_lo.tolist(),
            impact_ratio_upper=i_hi.tolist(),
        )
    return out


def _notes(rows: list[dict[str, Any]], references: dict[str, str | None]) -> list[str]:
    notes = []
    for name, ref in references.items():
        rates = [r["rate"] for r in rows if r["dimension"] == name]
        if ref is None:
            notes.append(
                f"{name}: every category is below {SMALL_SHARE:.0%} of the rows and "
                f"exclude_small=True, so no impact ratio is computed."
            )
        elif all(rate == 0 for rate in rates):
            notes.append(f"{name}: no applicant was selected, so impact ratios are undefined.")
    return notes


def bias_audit(
    data: pd.DataFrame,
    *,
    categories: Mapping[str, Hashable],
    selected: Hashable | None = None,
    score: Hashable | None = None,
    standard: str = "nyc_ll144",
    intersectional: bool = True,
    date: _dt.date | str | None = None,
    data_source: str = "historical",
    exclude_small: bool = False,
    exclusion_justification: str | None = None,
    title: str | None = None,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> BiasAudit:
    """Audit selection (or scoring) rates and impact ratios per category, as regulators ask.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per applicant, with the category columns and the outcome column.
    categories : mapping of str to column name
        Dimension -> column, e.g. ``{"sex": "sex", "race_ethnicity": "race"}``. A
        missing value means the category is unknown: the row is counted in
        :attr:`BiasAudit.unknown` and left out of that dimension's rates.
    selected : column name, optional
        A 0/1 (or False/True) column, 1 = selected. Give exactly one of
        ``selected`` and ``score``.
    score : column name, optional
        A numeric score; a row counts as selected when its score is strictly
        above the median score of all rows (LL144's *scoring rate*).
    standard : {"nyc_ll144", "eeoc"}, default="nyc_ll144"
        ``"eeoc"`` adds the columns ``four_fifths`` (``"pass"``/``"fail"``
        against the highest-rate category, 29 CFR 1607.4(D)), ``p_value`` (two-
        sided Fisher exact test of the category against the highest-rate
        category, as :func:`scipy.stats.fisher_exact`) and ``shortfall`` (how
        many more selections the category needs to reach four fifths of the
        highest rate).
    intersectional : bool, default=True
        Also audit the intersection of all dimensions (e.g. ``"sex ×
        race_ethnicity"``) when there are two or more.
    date : datetime.date or str, optional
        Date of the audit (ISO ``"YYYY-MM-DD"``); today (UTC) by default.
    data_source : {"historical", "test"}, default="historical"
        Whether the rows are historical data of the tool's use or test data.
    exclude_small : bool, default=False
        Exclude categories below 2% of the rows from the choice of the highest
        rate (6 RCNY §5-301(d)). They stay in the table, flagged and with their
        counts and rates; the exclusion is recorded.
    exclusion_justification : str, optional
        The auditor's justification, required with ``exclude_small=True``.
    title : str, optional
        Name of the audited tool or of the audit, shown in the outputs.
    n_boot : int, default=1000
        Bootstrap replicates for the intervals (0: no intervals).
    ci : float, default=0.95
        Coverage of the percentile intervals.
    random_state : int, numpy.random.Generator or None
        Seed of the bootstrap.

    Returns
    -------
    BiasAudit
        ``.table`` (one row per dimension and category), ``.intervals``,
        ``.unknown``; ``.to_html()``, ``.to_json()``, ``.to_markdown()``.

    Raises
    ------
    ArgumentError
        Both or neither of ``selected`` and ``score``; an unknown ``standard``
        or ``data_source``; malformed ``categories`` or options.
    DataValidationError
        A missing or all-missing column, a single category, a non-binary
        ``selected`` column, a non-numeric or non-finite score.

    Notes
    -----
    ``small_category`` is True for categories with fewer than 2% of all rows.
    For a score, the bootstrap holds the median threshold at its observed
    value, so the intervals describe the rates given that threshold.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"sex": ["F", "F", "M", "M", "M"], "hired": [1, 0, 1, 1, 0]})
    >>> audit = bias_audit(frame, categories={"sex": "sex"}, selected="hired", n_boot=0)
    >>> audit.table[["category", "rate", "impact_ratio"]].round(3).to_dict("list")
    {'category': ['F', 'M'], 'rate': [0.5, 0.667], 'impact_ratio': [0.75, 1.0]}
    """
    data = check_data_frame(data, multiindex_columns=True)  # columns are named one at a time
    standard = _check_choice(standard, STANDARDS, argument="standard")
    data_source = _check_choice(data_source, DATA_SOURCES, argument="data_source")
    intersectional = check_bool(intersectional, argument="intersectional")
    exclude_small = check_bool(exclude_small, argument="exclude_small")
    if exclusion_justification is not None and (
        not isinstance(exclusion_justification, str) or not exclusion_justification.strip()
    ):
        raise ArgumentError(
            "exclusion_justification must be a non-empty string (the auditor's reason for "
            "excluding small categories) or None.",
            argument="exclusion_justification",
        )
    if exclude_small and exclusion_justification is None:
        raise ArgumentError(
            "exclude_small=True needs exclusion_justification='...': LL144 requires the "
            "auditor's justification for excluding a category under 2% of the data "
            "(6 RCNY §5-301(d)).",
            argument="exclusion_justification",
        )
    if exclusion_justification is not None and not exclude_small:
        raise ArgumentError(
            "exclusion_justification was given but exclude_small is False, so no category is "
            "excluded and the audit would state a justification for nothing. Pass "
            "exclude_small=True to exclude categories under 2% of the data, or drop the "
            "justification.",
            argument="exclusion_justification",
        )
    if title is not None and not isinstance(title, str):
        raise ArgumentError(f"title must be a string or None; received {type(title).__name__}.")
    audit_date = _check_date(date)
    _check_options(n_boot, ci, random_state)
    if (selected is None) == (score is None):
        given = "both" if selected is not None else "neither"
        raise ArgumentError(
            f"Pass exactly one of selected= (a 0/1 column) and score= (a numeric column); "
            f"{given} given."
        )
    dims = _check_categories(data, categories)
    outcome_arg = "selected" if selected is not None else "score"
    outcome = _check_column_argument(
        data, selected if selected is not None else score, argument=outcome_arg
    )
    if outcome in dims.values():
        raise ArgumentError(
            f"{outcome_arg}={outcome!r} is also a category column; the outcome must be a "
            f"column of its own."
        )

    if selected is not None:
        chosen = _check_selected(data[outcome], outcome)
        median = None
    else:
        values = _check_score(data[outcome], outcome)
        median = float(np.median(values))
        chosen = values > median
    encoded = {d: _encode_dimension(data, d, col) for d, col in dims.items()}

    n_rows = len(data)
    counts, groupings, unknown = _count_table(encoded, chosen, intersectional=intersectional)
    _check_bootstrap_size(n_boot, groupings)
    rows, references, excluded = _point_estimates(
        groupings, counts, n_rows=n_rows, exclude_small=exclude_small, standard=standard
    )
    intervals = _intervals(
        groupings, counts, n_boot=n_boot, ci=ci, random_state=random_state,
        exclude_small=exclude_small,
    )
    notes = _notes(rows, references)
    meta = AuditMeta(
        title=title,
        standard=standard,
        date=audit_date,
        data_source=data_source,
        method="selection_rate" if selected is not None else "scoring_rate",
        outcome=str(outcome),
        categories={d: str(c) for d, c in dims.items()},
        intersectional=len(groupings) > len(encoded),
        n_rows=n_rows,
        median_score=median,
        exclude_small=exclude_small,
        exclusion_justification=exclusion_justification,
        excluded=excluded,
        unknown=unknown,
        references=references,
        n_boot=int(n_boot),
        ci=float(ci),
        random_state=(
            None if random_state is None
            else int(random_state) if isinstance(random_state, numbers.Integral)
            else "generator"
        ),
        notes=notes,
    )
    return BiasAudit(meta, rows, intervals)

