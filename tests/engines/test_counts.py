"""The counting group-by: the same entries from every engine, at the edges of the score range."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rai_toolkit import analyze_fairness
from rai_toolkit.engines._counts import FINE, MAX_S, MIN_S, ROWS, SUM_S, SUM_S2, count_entries
from rai_toolkit.exceptions import DataValidationError
from tests.engines.conftest import OPTIONS, compas_frame, needs

pytestmark = needs("polars")

NAN = float("nan")
# one group; scores at the top edge (1 is bin 1000 before the fold into 999), a NaN and a null
SCORES = [0.9995, 1.0, 1.0, 0.25, NAN, None, NAN]


def _native(kind: str, frame):
    """``frame`` (a polars DataFrame, NaN kept) as the table of one engine."""
    if kind == "polars":
        return frame.lazy()
    if kind == "arrow":
        return frame.to_arrow()
    if kind == "pandas":  # as the model batches are counted
        return frame.to_pandas()
    duckdb = pytest.importorskip("duckdb")
    return duckdb.from_arrow(frame.to_arrow())


def _entries(kind: str) -> pd.DataFrame:
    import polars as pl

    from rai_toolkit.engines._counts import as_lazy

    frame = pl.DataFrame(
        {"g": ["a"] * len(SCORES), "s": SCORES}, schema={"g": pl.String, "s": pl.Float64}
    )
    entries = count_entries(as_lazy(_native(kind, frame)), keys=["g"], score="s", engine=kind)
    return entries.sort_values(FINE, na_position="last").reset_index(drop=True)


@pytest.mark.parametrize("kind", ["polars", "arrow", "pandas", "duckdb"])
def test_top_bin_folds_into_999_and_nan_counts_as_missing(kind):
    entries = _entries(kind)
    assert entries[FINE].iloc[:2].tolist() == [250, 999]
    top = entries.iloc[1]
    assert top[ROWS] == 3  # 0.9995 and the two scores of exactly 1
    assert top[SUM_S] == pytest.approx(2.9995, rel=1e-15)
    assert top[SUM_S2] == pytest.approx(0.9995**2 + 2, rel=1e-15)
    assert (top[MIN_S], top[MAX_S]) == (0.9995, 1.0)
    missing = entries[entries[FINE].isna()]
    assert missing[ROWS].sum() == 3  # two NaN and one null, whether one entry or two
    assert len(entries) - len(missing) == 2


def _report_frame(scores: np.ndarray):
    import polars as pl

    frame = pl.from_pandas(compas_frame(600))
    return frame.with_columns(pl.Series("score", scores, nan_to_null=False))  # NaN stays NaN


@pytest.mark.parametrize("kind", ["polars", "arrow", "duckdb"])
def test_nan_scores_are_counted_with_the_missing_ones(kind):
    scores = compas_frame(600)["score"].to_numpy().copy()
    scores[:4] = np.nan
    frame = _report_frame(scores)
    frame = frame.with_columns(
        frame["score"].scatter([10, 11], None)  # two nulls beside the four NaN
    )
    with pytest.raises(DataValidationError, match=r"'score' has 6 missing or NaN value\(s\)"):
        analyze_fairness(None, _native(kind, frame), **OPTIONS)


@pytest.mark.parametrize("kind", ["polars", "arrow", "duckdb"])
def test_scores_just_above_one_are_refused(kind):
    # 1.0005 shares the fine bin of 1.0 before the fold; the range check still sees it
    scores = compas_frame(600)["score"].to_numpy().copy()
    scores[7] = 1.0005
    with pytest.raises(DataValidationError, match=r"found values from 0\.1 to 1\.0005"):
        analyze_fairness(None, _native(kind, _report_frame(scores)), **OPTIONS)


@pytest.mark.parametrize("kind", ["polars", "arrow", "duckdb"])
def test_scores_just_below_zero_are_refused(kind):
    scores = compas_frame(600)["score"].to_numpy().copy()
    scores[7] = -1e-300
    with pytest.raises(DataValidationError, match=r"found values from -1e-300 to 1"):
        analyze_fairness(None, _native(kind, _report_frame(scores)), **OPTIONS)


def test_scores_of_exactly_one_match_pandas():
    # many scores of exactly 1 and 0 (bins 1000 and 0): every number equals the pandas report
    from tests.engines.conftest import analyze_quietly, assert_same_report

    frame = compas_frame(900)
    rng = np.random.default_rng(5)
    frame["score"] = np.where(rng.random(len(frame)) < 0.2, 1.0, frame["score"])
    frame.loc[frame.index[::9], "score"] = 0.0
    import polars as pl

    report, _ = analyze_quietly(None, pl.from_pandas(frame).lazy(), **OPTIONS)
    reference, _ = analyze_quietly(None, frame, **OPTIONS)
    assert_same_report(report, reference)
    assert report.auc_error_bound == 0.0
    assert not math.isnan(report.by_group["brier_score"].iloc[0])
