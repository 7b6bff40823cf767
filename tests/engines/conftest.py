"""Engine test fixtures: COMPAS with labels, scores and missing groups; one Spark session."""

from __future__ import annotations

import importlib.util
import os
import warnings

import numpy as np
import pandas as pd
import pytest

#: Options of every engine analysis in these tests (the same random_state everywhere).
OPTIONS = dict(
    target="two_year_recid",
    sensitive_features=["race", "sex"],
    y_pred="pred",
    y_score="score",
    n_boot=200,
    random_state=7,
)


def installed(package: str) -> bool:
    """Whether ``package`` is installed on this stack (skip only when it is genuinely absent)."""
    return importlib.util.find_spec(package) is not None


def needs(package: str):
    """Skip marker for a test of an engine package not installed on this stack."""
    return pytest.mark.skipif(not installed(package), reason=f"{package} is not installed")


def compas_frame(n: int | None = None) -> pd.DataFrame:
    """COMPAS: recidivism labels, the decile score as a probability, missing race and sex."""
    from rai_toolkit.datasets import load_compas

    frame = load_compas().frame
    out = pd.DataFrame(
        {
            "race": frame["race"].astype(object),
            "sex": frame["sex"].astype(object),
            "age": frame["age"].astype("int64"),
            "priors_count": frame["priors_count"].astype("int64"),
            "two_year_recid": frame["two_year_recid"].astype("int64"),
            "score": frame["decile_score"].to_numpy(dtype=float) / 10,
            "pred": (frame["decile_score"] >= 5).astype("int64"),
        }
    )
    out.loc[out.index[::37], "race"] = np.nan
    out.loc[out.index[5::101], "sex"] = np.nan
    return out if n is None else out.iloc[:n].copy()


@pytest.fixture(scope="session")
def compas() -> pd.DataFrame:
    return compas_frame()


def analyze_quietly(model, data, **options):
    """analyze_fairness with its warnings recorded, returning (report, warning messages)."""
    from rai_toolkit import analyze_fairness

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = analyze_fairness(model, data, **options)
    # rai_toolkit's own warnings; library notices routed as LibraryWarning (e.g. pyspark 3.5's
    # sockets closed by the garbage collector mid-call) are not about the data
    ours = [
        str(w.message)
        for w in caught
        if w.category.__module__.startswith("rai_toolkit")
        and w.category.__name__ != "LibraryWarning"
    ]
    return report, ours


def assert_same_report(
    report, reference, *, rtol: float = 1e-12, same_warnings: bool = True
) -> None:
    """Identical groups, metrics, disparities and intervals (up to float rounding)."""
    pd.testing.assert_frame_equal(report.by_group, reference.by_group, rtol=rtol)
    pd.testing.assert_series_equal(report.overall, reference.overall, rtol=rtol)
    pd.testing.assert_frame_equal(report.disparities, reference.disparities, rtol=rtol)
    for attr in ("by_group_lower", "by_group_upper"):
        pd.testing.assert_frame_equal(getattr(report, attr), getattr(reference, attr), rtol=1e-9)
    pd.testing.assert_series_equal(report.overall_lower, reference.overall_lower, rtol=1e-9)
    pd.testing.assert_frame_equal(report.verdicts, reference.verdicts, rtol=1e-9)
    assert report.n_rows == reference.n_rows
    if same_warnings:
        assert report.warnings == reference.warnings
    for feature, marginal in reference.marginal.items():
        pd.testing.assert_frame_equal(
            report.marginal[feature].by_group, marginal.by_group, rtol=rtol
        )


@pytest.fixture(scope="session")
def spark():
    """One local[2] Spark session for the whole run; fails (never skips) when it cannot start."""
    if not installed("pyspark"):
        pytest.skip("pyspark is not installed on this stack")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", __import__("sys").executable)
    try:
        session = (
            SparkSession.builder.master("local[2]")
            .appName("rai_toolkit-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.driver.memory", "1g")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
    except Exception as err:  # Java missing, no port, ...: the reason, as a failure
        pytest.fail(f"Spark could not start: {type(err).__name__}: {err}. Install Java 17.")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    active = SparkSession.getActiveSession()
    (active or session).stop()


def spark_frame(spark, frame: pd.DataFrame):
    """A Spark DataFrame of a pandas frame (through Arrow), with None kept as null."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if hasattr(spark, "createDataFrame") and hasattr(pa, "Table"):
        try:
            return spark.createDataFrame(table)  # Spark 4 takes Arrow tables
        except (TypeError, ValueError):
            pass
    return spark.createDataFrame(frame.astype(object).where(frame.notna(), None))


@pytest.fixture(scope="session")
def rng():
    return np.random.default_rng(0)
