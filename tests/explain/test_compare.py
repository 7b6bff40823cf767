import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.explain import compare_explanations


def test_values_match_scipy_and_set_arithmetic():
    a = pd.Series({"f1": 5.0, "f2": 4.0, "f3": 3.0, "f4": 2.0, "f5": 1.0, "only_a": 0.5})
    b = pd.Series({"f1": 1.0, "f2": 5.0, "f3": 4.0, "f4": 3.0, "f5": 0.1, "only_b": 9.0})
    cmp = compare_explanations(a, b, top_k=3)
    common = ["f1", "f2", "f3", "f4", "f5"]
    assert cmp.spearman == pytest.approx(spearmanr(a[common], b[common]).statistic)
    # top-3: a = {f1, f2, f3}; b = {only_b, f2, f3}
    assert cmp.top_k_overlap == 2
    assert cmp.jaccard == pytest.approx(2 / 4)
    assert cmp.ranks.loc["only_b", "rank_b"] == 1
    assert np.isnan(cmp.ranks.loc["only_b", "rank_a"])


def test_to_dict_uses_null_for_absent():
    a = pd.Series({"x": 2.0, "y": 1.0, "z": 0.5})
    b = pd.Series({"x": 1.0, "y": 2.0})
    d = compare_explanations(a, b, top_k=1).to_dict()
    assert d["schema"] == "rai_toolkit.explanation_comparison/1"
    z = next(r for r in d["ranks"] if r["feature"] == "z")
    assert z["rank_b"] is None and z["rank_a"] == 3.0


@pytest.mark.parametrize("a, b, kwargs, message", [
    ([1, 2], pd.Series({"x": 1.0}), {}, "must be an ExplanationReport"),
    (pd.Series({"x": 1.0, "y": 2.0}), pd.Series({"x": 1.0, "z": 2.0}), {},
     "share 1 feature"),
    (pd.Series({"x": 1.0, "y": 2.0}), pd.Series({"x": 1.0, "y": 2.0}), {"top_k": 0},
     "top_k must be an integer >= 1"),
])
def test_errors(a, b, kwargs, message):
    with pytest.raises(ArgumentError, match=message):
        compare_explanations(a, b, **kwargs)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_undefined_importances_are_refused_not_ranked(bad):
    a = pd.Series({"age": 0.5, "sex": bad, "hours": 0.1})
    b = pd.Series({"age": 0.4, "sex": 0.1, "hours": 0.2})
    with pytest.raises(DataValidationError, match=r"`a` has missing or infinite importance for "
                       r"1 feature\(s\) \('sex'\); ranks of undefined importances are "
                       r"meaningless") as info:
        compare_explanations(a, b)
    assert info.value.argument == "a"
    with pytest.raises(DataValidationError, match=r"`b` has missing or infinite importance"):
        compare_explanations(b, a)


def test_repeated_features_are_refused():
    a = pd.Series([0.5, 0.3], index=["age", "age"])
    message = r"`a` has duplicated features: age\. Give one importance per feature"
    with pytest.raises(DataValidationError, match=message):
        compare_explanations(a, pd.Series({"age": 0.1, "sex": 0.2}))
