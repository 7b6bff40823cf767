"""``rai-toolkit audit``: the bias audit of a data file, written as HTML, JSON and Markdown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _frame() -> pd.DataFrame:
    """Male 60 applicants (30 selected), Female 50 (20), plus 4 rows of unknown sex."""
    rows = ([("Male", "A", 1)] * 30 + [("Male", "B", 0)] * 30 + [("Female", "A", 1)] * 20
            + [("Female", "B", 0)] * 30 + [(None, "A", 1)] * 4)  # fmt: skip
    frame = pd.DataFrame(rows, columns=["gender", "race", "hired"])
    frame["score"] = np.where(frame["hired"] == 1, 0.9, 0.1)
    return frame


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("audit")
    path = d / "applicants.csv"
    _frame().to_csv(path, index=False)
    return path


def _argv(data, *out, **over):
    options = {"--data": data, "--category": "sex=gender", "--selected": "hired",
               "--n-boot": 100, "--date": "2026-01-31"}  # fmt: skip
    options.update({"--" + k.replace("_", "-"): v for k, v in over.items()})
    argv = ["audit"]
    for key, value in options.items():
        if value is not None:
            argv += [key, value]
    return [*argv, "--out", *out]


def test_writes_every_format_with_the_right_numbers(run_cli, data, tmp_path):
    outs = [tmp_path / "a.html", tmp_path / "a.json", tmp_path / "a.md"]
    code, out, err = run_cli(*_argv(data, *outs, standard="eeoc"))
    assert code == 0, err
    assert all(f"wrote {p}" in out for p in outs)
    doc = json.loads(outs[1].read_text())
    assert doc["date"] == "2026-01-31" and doc["standard"] == "eeoc"
    table = {r["category"]: r for r in doc["rows"]}
    assert table["Male"]["applicants"] == 60 and table["Male"]["rate"] == pytest.approx(0.5)
    assert table["Female"]["rate"] == pytest.approx(0.4)
    assert table["Female"]["impact_ratio"] == pytest.approx(0.8)
    assert doc["unknown"] == {"sex": 4}
    assert outs[0].read_text().startswith("<!DOCTYPE html>")
    assert "| Female |" in outs[2].read_text()


def test_score_column_gives_the_same_rates(run_cli, data, tmp_path):
    a, b = tmp_path / "s.json", tmp_path / "h.json"
    assert run_cli(*_argv(data, a, selected=None, score="score"))[0] == 0
    assert run_cli(*_argv(data, b))[0] == 0
    rates = [{r["category"]: r["rate"] for r in json.loads(p.read_text())["rows"]} for p in (a, b)]
    assert rates[0]["Female"] == rates[1]["Female"] == pytest.approx(0.4)


def test_json_only_without_html(run_cli, data, tmp_path):
    code, _, err = run_cli(*_argv(data, tmp_path / "only.json"))
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["only.json"]


def test_both_selected_and_score_is_a_usage_error(run_cli, data, tmp_path, assert_error_line):
    code, _, err = run_cli(*_argv(data, tmp_path / "a.html", score="score"))
    assert_error_line(code, err, "not allowed with argument")


@pytest.mark.parametrize(
    ("over", "match"),
    [
        ({"category": "sex=nosuch"}, "nosuch"),
        ({"selected": "race"}, "selected"),
        ({"standard": "eeocc"}, "did you mean 'eeoc'"),
        ({"category": "=gender"}, "DIMENSION=COLUMN"),
        ({"date": "31/01/2026"}, "date"),
    ],
)
def test_bad_input_writes_nothing(run_cli, data, tmp_path, assert_error_line, over, match):
    code, _, err = run_cli(*_argv(data, tmp_path / "a.html", tmp_path / "a.json", **over))
    assert_error_line(code, err, match)
    assert list(tmp_path.iterdir()) == []


def test_bad_out(run_cli, data, tmp_path, assert_error_line):
    code, _, err = run_cli(*_argv(data, tmp_path / "a.pdf"))
    assert_error_line(code, err, "--out")
    code, _, err = run_cli(*_argv(data, tmp_path / "a.html", tmp_path / "b.htm"))
    assert_error_line(code, err, "two html files")


def test_missing_data_file(run_cli, tmp_path, assert_error_line):
    code, _, err = run_cli(*_argv(tmp_path / "none.csv", tmp_path / "a.html"))
    assert_error_line(code, err, "none.csv")


def test_help_does_not_import_pandas(modules_loaded_by):
    status, err, heavy = modules_loaded_by("audit", "--help")
    assert status == 0 and heavy == [], err


def test_subprocess_smoke(data, tmp_path):
    out = tmp_path / "a.html"
    result = subprocess.run(
        [sys.executable, "-m", "rai_toolkit", *map(str, _argv(data, out))],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.exists() and "BiasAudit" in result.stdout


def test_a_future_date_is_one_line_naming_date(run_cli, data, tmp_path):
    out = tmp_path / "a.json"
    code, _, err = run_cli(*_argv(data, out, date="2999-01-01"))
    assert code == 2
    assert "2999-01-01 is in the future" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()
