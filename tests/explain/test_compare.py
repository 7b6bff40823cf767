import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from rai_toolkit.exceptions import ArgumentError
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
