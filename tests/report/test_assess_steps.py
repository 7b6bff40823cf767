"""assess runs small steps over one validated input."""

import sys

import numpy as np
import pytest

import rai_toolkit._validation as validation
from rai_toolkit.report import assess
from rai_toolkit.security import check_robustness


@pytest.fixture
def validator_calls(monkeypatch):
    """Record every call of prepare_data, wherever a module bound it: (caller, model given)."""
    calls = []
    original = validation.prepare_data

    def counting(model, data, **kwargs):
        caller = sys._getframe(1).f_globals["__name__"]
        calls.append((caller, model is not None))
        return original(model, data, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("rai_toolkit") and getattr(module, "prepare_data", None) is original:
            monkeypatch.setattr(module, "prepare_data", counting)
    # modules imported later by assess's lazy steps are patched once loaded
    import rai_toolkit.error_analysis._analyze
    import rai_toolkit.fairness._analyze
    import rai_toolkit.security._robustness  # noqa: F401

    for name in ("fairness._analyze", "security._robustness", "error_analysis._analyze"):
        monkeypatch.setattr(sys.modules[f"rai_toolkit.{name}"], "prepare_data", counting)
    return calls


def test_assess_validates_the_model_and_data_once(biased, validator_calls):
    result = assess(
        biased["model"], biased["test"], target="y", sensitive_features=["group", "region"],
        n_boot=0, random_state=0, explain=False, privacy=False,
    )  # fmt: skip
    assert result.robustness is not None and result.errors is not None
    # one validation calls the model; the error analysis and robustness steps read its
    # CheckedData. The fairness room's analyze_fairness re-checks the arrays it is handed
    # (model=None) because it has no entry that takes a CheckedData yet.
    assert validator_calls == [
        ("rai_toolkit.report._assess", True),
        ("rai_toolkit.fairness._analyze", False),
    ]


def test_the_robustness_step_matches_check_robustness(biased):
    result = assess(
        biased["model"], biased["test"], target="y", sensitive_features=["group", "region"],
        n_boot=0, random_state=3, explain=False, privacy=False,
    )  # fmt: skip
    alone = check_robustness(
        biased["model"], biased["test"], target="y", sensitive_features=["group", "region"],
        random_state=3, features=biased["features"],
    )  # fmt: skip
    assert result.robustness.to_dict()["overall"] == alone.to_dict()["overall"]
    assert np.allclose(
        result.robustness.by_feature["flip_rate"], alone.by_feature["flip_rate"], equal_nan=True
    )
