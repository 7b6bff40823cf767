"""assess runs small steps over one validated input."""

import sys
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import rai_toolkit._validation as validation
from rai_toolkit.exceptions import (
    ArgumentError,
    LibraryWarning,
    MissingGroupWarning,
    RaiToolkitWarning,
)
from rai_toolkit.fairness import analyze_fairness
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
    # one validation calls the model; the fairness, error analysis and robustness steps
    # read its CheckedData
    assert validator_calls == [("rai_toolkit.report._assess", True)]


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


def test_the_fairness_step_matches_analyze_fairness(biased):
    result = assess(
        biased["model"], biased["test"], target="y", sensitive_features=["group", "region"],
        n_boot=200, random_state=5, explain=False, privacy=False, robustness=False,
        ci=0.9, min_group_size=20,
    )  # fmt: skip
    alone = analyze_fairness(
        biased["model"], biased["test"], target="y", sensitive_features=["group", "region"],
        n_boot=200, random_state=5, ci=0.9, min_group_size=20,
    )  # fmt: skip
    ours, theirs = result.fairness.to_dict(), alone.to_dict()
    assert ours == theirs
    assert np.isfinite(result.fairness.by_group["selection_rate"]).all()


def test_the_fairness_step_records_the_missing_group_warning(biased):
    data = biased["test"].copy()
    data.loc[:99, "group"] = None
    with pytest.warns(MissingGroupWarning, match="missing value"):
        result = assess(
            biased["model"], data, target="y", sensitive_features="group",
            n_boot=0, random_state=0, explain=False, privacy=False, robustness=False,
        )  # fmt: skip
    records = [w for w in result.fairness.warning_records if w.category == "MissingGroupWarning"]
    assert len(records) == 1 and "100 missing value(s)" in records[0].message
    assert records[0].groups == ("group=(missing)",)


@pytest.mark.parametrize(
    ("option", "match"),
    [({"ci": 95}, "ci"), ({"min_group_size": 0}, "min_group_size"), ({"n_boot": 50}, "n_boot")],
)
def test_fairness_options_are_refused_before_any_step(biased, option, match):
    steps = []
    kwargs = {"n_boot": 0, **option}
    with pytest.raises(ArgumentError, match=match):
        assess(
            biased["model"], biased["test"], target="y", sensitive_features="group",
            random_state=0, explain=False, privacy=False, progress=steps.append, **kwargs,
        )  # fmt: skip
    assert steps == []


class _ChattyModel(LogisticRegression):
    """A user's model that warns each time it predicts (this file is the caller's code)."""

    def predict(self, X):
        warnings.warn("my model predicts oddly", UserWarning, stacklevel=1)
        return super().predict(X)

    def predict_proba(self, X):
        warnings.warn("my model scores oddly", UserWarning, stacklevel=1)
        return super().predict_proba(X)


def _user_warnings(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return sorted(
        (w.category.__name__, str(w.message))
        for w in caught
        if not issubclass(w.category, RaiToolkitWarning) or issubclass(w.category, LibraryWarning)
    )


def test_the_models_warnings_while_validating_reach_the_user_once(biased):
    model = _ChattyModel(max_iter=500).fit(biased["test"][biased["features"]], biased["test"]["y"])
    options = {"target": "y", "sensitive_features": "group", "n_boot": 0, "random_state": 0}
    got = _user_warnings(lambda: assess(
        model, biased["test"], explain=False, privacy=False, robustness=False, **options
    ))  # fmt: skip
    # one prediction and one scoring pass over the data, each warning as the user's own
    assert got == [
        ("UserWarning", "my model predicts oddly"),
        ("UserWarning", "my model scores oddly"),
    ]


def test_the_missing_group_warning_reaches_the_user_with_a_fairness_report_given(biased):
    data = biased["test"].copy()
    data.loc[:99, "group"] = None
    options = {"target": "y", "sensitive_features": "group", "random_state": 0}
    report = analyze_fairness(biased["model"], biased["test"], n_boot=0, **options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assess(
            biased["model"], data, fairness_report=report, explain=False, privacy=False,
            robustness=False, n_boot=0, **options,
        )  # fmt: skip
    missing = [str(w.message) for w in caught if w.category is MissingGroupWarning]
    assert missing == [
        "Sensitive feature 'group' has 100 missing value(s); they are kept as the explicit "
        "group '(missing)'."
    ]
