"""A bias audit in the evidence bundle: ``rai-toolkit bundle --category ... --score ...``."""

from __future__ import annotations

import json
import zipfile
from fractions import Fraction

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from rai_toolkit.audit import bias_audit
from rai_toolkit.cli import main
from rai_toolkit.report import verify_bundle
from rai_toolkit.security import save_model

from .conftest import CATEGORIES, DCWP_RACE, DCWP_SEX, HISPANIC, dcwp_frame

DATE = "2026-01-31"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """DCWP's applicants with a feature, a target and a model of it, saved as files."""
    folder = tmp_path_factory.mktemp("audit_bundle")
    frame = dcwp_frame()
    rng = np.random.default_rng(0)
    frame["x"] = rng.normal(size=len(frame)) + frame["selected"]
    frame["y"] = (frame["x"] + rng.normal(size=len(frame)) > 0.5).astype(int)
    model = LogisticRegression().fit(frame[["x"]], frame["y"])
    save_model(model, folder / "model.skops")
    frame.to_csv(folder / "applicants.csv", index=False)
    return {"folder": folder, "frame": frame}


def _bundle(files, out, *audit_options):
    folder = files["folder"]
    argv = ["bundle", "--model", folder / "model.skops", "--data", folder / "applicants.csv",
            "--target", "y", "--sensitive", "sex", "--out", out, "--n-boot", 100,
            "--no-explain", *audit_options]  # fmt: skip
    return main([str(a) for a in argv])


@pytest.fixture(scope="module")
def bundle(files):
    out = files["folder"] / "evidence.zip"
    code = _bundle(files, out, "--category", "sex=sex", "--category", "race_ethnicity=race",
                   "--score", "score", "--date", DATE)  # fmt: skip
    assert code == 0
    with zipfile.ZipFile(out) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    return out, members


def test_bundle_holds_dcwps_tables(bundle):
    _, members = bundle
    assert [n for n in members if n.startswith("audits/")] == [
        "audits/01-nyc-ll144.json", "audits/01-nyc-ll144.html", "audits/01-nyc-ll144.md"
    ]  # fmt: skip
    doc = json.loads(members["audits/01-nyc-ll144.json"])
    assert (doc["standard"], doc["date"], doc["outcome_column"]) == ("nyc_ll144", DATE, "score")
    assert doc["unknown"]["race_ethnicity"] == 36
    rows = {(r["dimension"], r["category"]): r for r in doc["rows"]}
    best = {"sex": Fraction(50, 92), "race_ethnicity": Fraction(18, 28)}
    printed = {("sex", k): v for k, v in DCWP_SEX.items()}
    printed.update({("race_ethnicity", k): v for k, v in DCWP_RACE.items()})
    for (dimension, category), (applicants, rate_pct, ratio) in printed.items():
        row = rows[(dimension, category)]
        rate = Fraction(row["selected"], row["applicants"])
        assert row["applicants"] == applicants
        assert row["rate"] == pytest.approx(float(rate), rel=1e-15)
        assert row["impact_ratio"] == pytest.approx(float(rate / best[dimension]), rel=1e-15)
        assert round(row["impact_ratio"], 2) == ratio
        if category != HISPANIC:  # DCWP printed 64.2% for 18/28 (see test_dcwp)
            assert round(100 * row["rate"], 1) == rate_pct
        assert row["rate_lower"] <= row["rate"] <= row["rate_upper"]


def test_bundle_audit_is_the_audit_of_the_data_file(bundle, files):
    _, members = bundle
    audit = bias_audit(files["frame"], categories=CATEGORIES, score="score", date=DATE,
                       n_boot=100, random_state=0)  # fmt: skip
    doc = json.loads(members["audits/01-nyc-ll144.json"])
    expected = json.loads(audit.to_json())
    assert doc.pop("created_at") and expected.pop("created_at")
    assert doc == expected


def test_bundle_with_an_audit_verifies_and_names_it_as_evidence(bundle):
    path, members = bundle
    result = verify_bundle(path)
    assert result.ok, result.summary()
    assert "audits/01-nyc-ll144.json" in set(result.files["path"])
    assert json.loads(members["evidence.json"])["audits"] == ["audits/01-nyc-ll144.json"]
    report = json.loads(members["report.json"])
    discriminatory = next(
        item for item in report["regulatory_evidence"]["items"]
        if item["item"] == "Metrics on potentially discriminatory impacts"
    )  # fmt: skip
    assert "audits/01-nyc-ll144.json" in discriminatory["evidence"]


def test_eeoc_standard_and_exclusions_reach_the_audit(files, tmp_path):
    out = tmp_path / "eeoc.zip"
    code = _bundle(
        files, out, "--category", "race_ethnicity=race", "--selected", "selected",
        "--standard", "eeoc", "--exclude-small", "--justification", "tiny groups",
    )  # fmt: skip
    assert code == 0
    with zipfile.ZipFile(out) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".json") and n.startswith("audits/")]
        doc = json.loads(zf.read(name))
    assert doc["standard"] == "eeoc" and doc["outcome_column"] == "selected"
    assert doc["exclude_small"] is True and doc["exclusion_justification"] == "tiny groups"


def test_without_category_the_bundle_has_no_audit(files, tmp_path):
    out = tmp_path / "plain.zip"
    assert _bundle(files, out) == 0
    with zipfile.ZipFile(out) as zf:
        assert not [n for n in zf.namelist() if n.startswith("audits/")]
        assert json.loads(zf.read("evidence.json"))["audits"] == []
