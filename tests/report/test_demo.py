"""`rai-toolkit demo` (what `make demo` runs) writes the Adult report and prints a summary."""

import json

import pytest

from rai_toolkit.cli import main
from rai_toolkit.datasets import load_adult


def test_demo_writes_the_adult_report(tmp_path, capsys):
    out = tmp_path / "reports" / "adult_demo.html"
    code = main(["demo", "--quick", "--out", str(out)])
    stdout, _ = capsys.readouterr()
    assert code == 0
    html = out.read_text()
    assert 10_000 < len(html.encode()) < 5_000_000
    doc = json.loads(out.with_suffix(".json").read_text())
    test_rows = len(load_adult().train_test()[1].frame)
    assert doc["model_card"]["n_rows"] == test_rows == 16_281
    sex = next(g for g in doc["fairness"]["groupings"] if g["name"] == "sex")
    rates = {g["labels"][0]: g["metrics"]["selection_rate"] for g in sex["groups"]}
    assert rates["Male"] > rates["Female"]
    dp = next(v for v in sex["verdicts"] if v["criterion"] == "demographic_parity")
    assert dp["value"] == pytest.approx(rates["Male"] - rates["Female"])
    assert "Wrote" in stdout and str(out.name) in stdout
