"""The same seed gives the same fairness numbers on the newest and on the oldest supported stack.

``make test`` points ``RAI_TOOLKIT_OLDEST_PYTHON`` at the interpreter of
``.venv-oldest`` (requirements/oldest.lock: numpy 1.26, pandas 1.5, scikit-learn
1.5.1, fairlearn 0.7); each test runs :func:`_numbers` there in a subprocess and
compares with the same call here. numpy's ``Generator.multinomial`` draws the same
stream on both, so even the bootstrap intervals agree.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.cross_stack

ROOT = Path(__file__).resolve().parents[1]

_SCRIPT = """
import json, sys, warnings
import numpy as np
import rai_toolkit as rai

def numbers(scored):
    frame = rai.load_compas().frame
    frame = frame[["sex", "race", "age_cat", "two_year_recid", "decile_score"]].copy()
    frame["high"] = (frame["decile_score"] >= 5).astype(int)
    frame["score"] = frame["decile_score"] / 10.0
    # a missing sensitive value in every tenth row of one group, kept as its own group
    frame["race"] = frame["race"].astype(object)
    frame.loc[frame.index[::97], "race"] = None
    kwargs = dict(target="two_year_recid", sensitive_features=["sex", "race"], y_pred="high",
                  n_boot=200, random_state=7)
    if scored:
        kwargs["y_score"] = "score"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = rai.analyze_fairness(None, frame, **kwargs)
    def table(df):
        df = df.reset_index()
        return {str(c): [None if v != v else (v if isinstance(v, str) else float(v))
                         for v in df[c].tolist()] for c in df.columns
                if df[c].dtype.kind in "fiub" or c in ("sex", "race", "metric", "criterion")}
    return {
        "by_group": table(report.by_group),
        "by_group_lower": table(report.by_group_lower),
        "by_group_upper": table(report.by_group_upper),
        "overall": {str(k): float(v) for k, v in report.overall.items()},
        "disparities": table(report.disparities),
        "verdicts": {str(k): str(v) for k, v in report.verdicts["status"].items()},
    }

print(json.dumps(numbers(sys.argv[1] == "scored")))
"""


def _oldest_python() -> str:
    python = os.environ.get("RAI_TOOLKIT_OLDEST_PYTHON") or str(ROOT / ".venv-oldest/bin/python")
    if not os.access(python, os.X_OK):
        pytest.fail(
            f"The oldest-stack interpreter {python} is missing; run `make setup-oldest` "
            "(or set RAI_TOOLKIT_OLDEST_PYTHON)."
        )
    return python


def _run(python: str, scored: bool) -> dict:
    out = subprocess.run(
        [python, "-c", _SCRIPT, "scored" if scored else "labels"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def _assert_same(new: dict, old: dict) -> None:
    assert new.keys() == old.keys()
    assert new["verdicts"] == old["verdicts"]
    assert new["overall"].keys() == old["overall"].keys()
    np.testing.assert_allclose(
        list(new["overall"].values()), list(old["overall"].values()), rtol=1e-12, atol=1e-15
    )
    for key in ("by_group", "by_group_lower", "by_group_upper", "disparities"):
        assert new[key].keys() == old[key].keys(), key
        for column, values in new[key].items():
            if values and isinstance(values[0], str):
                assert values == old[key][column], (key, column)
            else:
                np.testing.assert_allclose(
                    np.array(values, dtype=float),
                    np.array(old[key][column], dtype=float),
                    rtol=1e-12,
                    atol=1e-15,
                    err_msg=f"{key}[{column}]",
                )


@pytest.mark.parametrize("scored", [False, True], ids=["labels", "labels+scores"])
def test_same_seed_same_numbers_on_both_stacks(scored):
    old = _run(_oldest_python(), scored)
    new = _run(sys.executable, scored)
    assert len(new["by_group"]["count"]) >= 10  # sex x race with a missing-race group
    assert "(missing)" in new["by_group"]["race"]
    _assert_same(new, old)
