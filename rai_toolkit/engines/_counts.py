"""The group-by that counts an engine table into count-table entries, through narwhals.

One lazy aggregation per analysis, grouped by the sensitive columns, the target,
the prediction and the fine score bin ``min(floor(1000 * s), 999)``
(:func:`rai_toolkit.fairness._cells.fine_bins`), computes the rows, the sum of
the scores and of their squares, and their minimum and maximum per entry. The
engine (polars, Arrow, DuckDB, Spark, or pandas for model batches) runs it where
the data lives; only the entries -- at most groups x labels x 1000 rows -- are
collected, as a small pandas frame. Null keys stay their own entry (missing
sensitive values become the ``"(missing)"`` group downstream); NaN scores are
counted as missing so that every engine reports them the same way.

The engine does as little per row as that allows: it groups by the unclipped
``floor(1000 * s)`` and the entries of bin 1000 (scores of exactly 1, or above 1,
which the range check refuses) are folded into bin 999 after collection; and a
NaN score reaches the bin unchanged (a NaN key, missing in pandas) on the engines
whose ``floor`` keeps NaN, so only the others (Spark, whose ``floor`` makes an
integer) turn NaN into null first.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import pandas as pd

from rai_toolkit.exceptions import DataValidationError

__all__ = [
    "FINE",
    "MAX_S",
    "MIN_S",
    "ROWS",
    "SUM_S",
    "SUM_S2",
    "as_lazy",
    "count_entries",
    "error_detail",
    "merge_entries",
    "scan_failed",
    "table_columns",
]

#: Columns of the collected entries besides the group-by keys.
ROWS, FINE, SUM_S, SUM_S2, MIN_S, MAX_S = (
    "__rai_rows__",
    "__rai_fine_bin__",
    "__rai_sum_s__",
    "__rai_sum_s2__",
    "__rai_min_s__",
    "__rai_max_s__",
)
_SQUARE = "__rai_s_squared__"
_SCORE = "__rai_s__"
# must equal rai_toolkit.fairness._cells.N_FINE_BINS (checked by the tests)
_N_FINE_BINS = 1000


def scan_failed(engine: str, err: BaseException) -> DataValidationError:
    """Return the error for an engine table that cannot be read (a failed scan, a bad query)."""
    return DataValidationError(
        f"The {engine} table could not be read or counted: {type(err).__name__}: "
        f"{error_detail(err)}. Check the files or query behind it (e.g. that the paths of a "
        f"lazy scan exist and are parquet), or collect a small part of it to check it reads."
    )


def error_detail(err: BaseException) -> str:
    """Return the telling line of an engine's error (a Spark worker's root cause, else line 1).

    A Spark Python-worker failure starts with a generic line and a traceback; the
    line that says what went wrong is the last one naming an error.
    """
    lines = [line.strip() for line in str(err).strip().splitlines() if line.strip()]
    if not lines:
        return ""
    named = [line for line in lines if "Error" in line or "Exception:" in line]
    detail = named[-1] if len(lines) > 1 and named else lines[0]
    if "PYTHON_VERSION_MISMATCH" in str(err):
        detail += (
            " -- set os.environ['PYSPARK_PYTHON'] = sys.executable before starting the "
            "session, so that the executors run this Python"
        )
    return detail[:400]


def as_lazy(data: Any) -> nw.LazyFrame:
    """Wrap a native table as a narwhals LazyFrame (eager tables are made lazy)."""
    frame = nw.from_native(data)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def table_columns(frame: nw.LazyFrame, engine: str) -> dict[str, Any]:
    """Column name -> narwhals dtype of an engine table, reading only its schema."""
    try:
        return dict(frame.collect_schema())
    except Exception as err:  # the engine's own error type: a lazy scan that fails
        raise scan_failed(engine, err) from err


# engines whose floor(NaN) is NaN: a NaN score becomes a NaN (missing) fine bin by itself
_FLOOR_KEEPS_NAN = {
    nw.Implementation.POLARS,
    nw.Implementation.DUCKDB,
    nw.Implementation.PYARROW,
    nw.Implementation.PANDAS,
}
# the engine's aggregations per score column; extremes combine, sums add
_COMBINE = {ROWS: "sum", SUM_S: "sum", SUM_S2: "sum", MIN_S: "min", MAX_S: "max"}


def count_entries(
    frame: nw.LazyFrame, *, keys: list[str], score: str | None, engine: str
) -> pd.DataFrame:
    """Run the counting group-by in the engine and collect its entries.

    Parameters
    ----------
    frame : narwhals.LazyFrame
        The table, with the key and score columns.
    keys : list of str
        Sensitive columns, target and prediction columns.
    score : str or None
        Score column (probability of the positive class), if any.
    engine : str
        Engine name, for messages.

    Returns
    -------
    pandas.DataFrame
        One row per entry: the keys, :data:`ROWS`, and with a score :data:`FINE`
        (0..999, NaN for a missing or NaN score), :data:`SUM_S`, :data:`SUM_S2`,
        :data:`MIN_S` and :data:`MAX_S`.
    """
    aggregations = [nw.len().alias(ROWS)]
    group_keys = list(keys)
    if score is not None:
        s = nw.col(score).cast(nw.Float64)
        if getattr(frame, "implementation", None) not in _FLOOR_KEEPS_NAN:
            s = nw.when(~s.is_nan()).then(s)  # NaN -> null (Expr.fill_nan is narwhals >= 2.x)
        frame = frame.with_columns(
            (s * _N_FINE_BINS).floor().alias(FINE), (s * s).alias(_SQUARE), s.alias(_SCORE)
        )
        group_keys.append(FINE)
        aggregations += [
            nw.col(_SCORE).sum().alias(SUM_S),
            nw.col(_SQUARE).sum().alias(SUM_S2),
            nw.col(_SCORE).min().alias(MIN_S),
            nw.col(_SCORE).max().alias(MAX_S),
        ]
    query = frame.group_by(group_keys, drop_null_keys=False).agg(*aggregations)
    try:
        collected = query.collect(backend="pyarrow").to_native()
    except Exception as err:  # the engine's own error type
        raise scan_failed(engine, err) from err
    entries = collected.to_pandas()
    if score is None:
        return entries
    top = entries[FINE] >= _N_FINE_BINS  # NaN compares False and stays missing
    if not top.any():
        return entries
    entries[FINE] = entries[FINE].mask(top, _N_FINE_BINS - 1)
    return _combine(entries, group_keys)


def _combine(entries: pd.DataFrame, group_keys: list[str]) -> pd.DataFrame:
    """Add up entries with the same keys (sums add, extremes combine); missing keys kept."""
    how = {c: f for c, f in _COMBINE.items() if c in entries.columns}
    return entries.groupby(group_keys, dropna=False, sort=False).agg(how).reset_index()


def merge_entries(parts: list[pd.DataFrame], *, keys: list[str]) -> pd.DataFrame:
    """Add up entries counted in several batches (same keys: sums add, extremes combine)."""
    if len(parts) == 1:
        return parts[0]
    joined = pd.concat(parts, ignore_index=True)
    return _combine(joined, [k for k in [*keys, FINE] if k in joined.columns])
