"""`rai-toolkit analyze --engine spark`: the same numbers as the pandas path of the command.

Runs in the session of the ``spark`` fixture (the command's ``getOrCreate`` finds it), so the
test run keeps one Spark session.
"""

from __future__ import annotations

import json

import pytest

from rai_toolkit.cli import main
from tests.engines.conftest import compas_frame, needs

pytestmark = needs("pyspark")

FEATURES = ["age", "priors_count"]


@pytest.fixture(scope="module")
def runs(spark, tmp_path_factory):
    """`analyze` of one Parquet file, by pandas (no --engine) and by Spark: the JSON it wrote."""
    from sklearn.linear_model import LogisticRegression

    from rai_toolkit.security import save_model

    folder = tmp_path_factory.mktemp("spark_cli")
    frame = compas_frame(3000)
    frame.to_parquet(folder / "compas.parquet", index=False)
    model = LogisticRegression(max_iter=500).fit(frame[FEATURES], frame["two_year_recid"])
    save_model(model, folder / "model.skops")
    docs = {}
    for name, engine in (("pandas", []), ("spark", ["--engine", "spark"])):
        argv = ["analyze", "--model", folder / "model.skops", "--data", folder / "compas.parquet",
                "--target", "two_year_recid", "--sensitive", "race", "sex", "--n-boot", 100,
                "--no-explain", "--seed", 4, "--sample-rows", 1000,
                "--out", folder / f"{name}.html", "--json", folder / f"{name}.json",
                "--fairness-json", folder / f"{name}_fairness.json", *engine]  # fmt: skip
        assert main([str(a) for a in argv]) == 0
        docs[name] = {
            "report": json.loads((folder / f"{name}.json").read_text()),
            "fairness": json.loads((folder / f"{name}_fairness.json").read_text()),
        }
    return docs


def test_spark_fairness_json_equals_pandas(runs):
    spark, pandas = runs["spark"]["fairness"], runs["pandas"]["fairness"]
    assert spark["n_rows"] == pandas["n_rows"] == 3000
    assert spark["count_tables"] == pandas["count_tables"]
    for key in ("overall", "by_group", "disparities", "verdicts", "intervals", "groupings"):
        if key in pandas:
            assert spark[key] == pytest.approx(pandas[key], rel=1e-9, abs=1e-12), key


def _verdicts(runs, name):
    return [(v["grouping"], v["criterion"], v["status"], v["value"], v["lower"], v["upper"])
            for v in runs[name]["report"]["fairness"]["verdicts"]]  # fmt: skip


def test_spark_report_verdicts_equal_pandas(runs):
    spark, pandas = _verdicts(runs, "spark"), _verdicts(runs, "pandas")
    assert len(pandas) == 18
    for got, want in zip(spark, pandas, strict=True):
        assert got[:3] == want[:3]
        if want[0] != "intersectional":  # see the next test
            assert got[3:] == pytest.approx(want[3:], rel=1e-9, abs=1e-12)
    assert "scanned by spark" in runs["spark"]["report"]["model_card"]["dataset_description"]


def test_spark_report_hides_the_same_groups_as_pandas(runs):
    def hidden(name):
        groups = runs[name]["report"]["suppression"]["groups"]
        return sorted((g["grouping"], str(g["group"]), g["reason"]) for g in groups)

    assert hidden("spark") == hidden("pandas")
    assert _verdicts(runs, "spark") == _verdicts(runs, "pandas")
