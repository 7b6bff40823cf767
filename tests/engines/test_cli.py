"""`rai-toolkit analyze --engine`: Parquet folders and globs scanned lazily, every row counted."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from rai_toolkit.cli import main
from tests.engines.conftest import compas_frame, needs

pytestmark = needs("polars")

FEATURES = ["age", "priors_count"]


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """COMPAS split over three Parquet files in nested folders, and a saved model."""
    from sklearn.linear_model import LogisticRegression

    from rai_toolkit.security import save_model

    folder = tmp_path_factory.mktemp("logs")
    frame = compas_frame()
    for i, rows in enumerate(np.array_split(np.arange(len(frame)), 3)):
        part = frame.iloc[rows]
        target = folder / f"day={i}"
        target.mkdir()
        part.to_parquet(target / "part.parquet", index=False)
    model = LogisticRegression(max_iter=500).fit(frame[FEATURES], frame["two_year_recid"])
    save_model(model, folder / "model.skops")
    return {"folder": folder, "frame": frame, "model": model}


def _analyze(logs, tmp_path, *extra):
    argv = [
        "analyze",
        "--model",
        str(logs["folder"] / "model.skops"),
        "--target",
        "two_year_recid",
        "--sensitive",
        "race",
        "sex",
        "--out",
        str(tmp_path / "r.html"),
        "--json",
        str(tmp_path / "r.json"),
        "--n-boot",
        "0",
        "--no-explain",
        *map(str, extra),
    ]
    return main(argv)


def _verdicts(doc):
    return {(v["grouping"], v["criterion"]): v for v in doc["fairness"]["verdicts"]}


@pytest.mark.parametrize(
    ("data", "engine"),
    [("folder", "polars"), ("glob", "duckdb"), ("folder", "duckdb"), ("glob", "polars")],
)
def test_folder_or_glob_counts_every_row_in_the_engine(logs, tmp_path, capsys, data, engine):
    from rai_toolkit import analyze_fairness

    path = logs["folder"] if data == "folder" else logs["folder"] / "day=*" / "*.parquet"
    extra = ["--data", path, "--engine", engine]
    assert _analyze(logs, tmp_path, *extra) == 0, capsys.readouterr().err
    doc = json.loads((tmp_path / "r.json").read_text())
    assert str(len(logs["frame"])) in doc["model_card"]["dataset_description"]
    reference = analyze_fairness(
        logs["model"],
        logs["frame"],
        target="two_year_recid",
        sensitive_features=["race", "sex"],
        n_boot=0,
    )
    ours = _verdicts(doc)
    for criterion in ("demographic_parity", "equal_opportunity", "equalized_odds"):
        value = ours[("intersectional", criterion)]["value"]
        if value is not None:  # hidden by the small-cell rule otherwise
            assert value == pytest.approx(reference.verdicts.loc[criterion, "value"], rel=1e-9)


def test_folder_without_engine_asks_for_one(logs, tmp_path, capsys):
    code = _analyze(logs, tmp_path, "--data", logs["folder"])
    err = capsys.readouterr().err
    assert code == 2
    assert "is a folder; pandas reads one file. Pass --engine polars, duckdb or spark" in err


def test_glob_matching_nothing_is_one_error_line(logs, tmp_path, capsys):
    code = _analyze(logs, tmp_path, "--data", tmp_path / "none" / "*.parquet", "--engine", "duckdb")
    err = capsys.readouterr().err
    assert code == 2
    assert "matches no Parquet file" in err
    assert not (tmp_path / "r.html").exists()


def test_engine_not_installed_names_the_extra(logs, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "duckdb", None)
    code = _analyze(logs, tmp_path, "--data", logs["folder"], "--engine", "duckdb")
    err = capsys.readouterr().err
    assert code != 0
    assert "pip install rai-toolkit[duckdb]" in err
    assert not (tmp_path / "r.html").exists()
