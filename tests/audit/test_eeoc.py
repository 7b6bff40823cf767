"""EEOC view: four-fifths verdicts, Fisher exact p-values (scipy) and shortfalls."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact

from rai_toolkit.audit import bias_audit

from .conftest import CATEGORIES, HISPANIC


@pytest.fixture(scope="module")
def eeoc(dcwp):
    return bias_audit(dcwp, categories=CATEGORIES, selected="selected", standard="eeoc", n_boot=0)


def test_eeoc_adds_three_columns(eeoc):
    assert list(eeoc.table.columns)[-3:] == ["four_fifths", "p_value", "shortfall"]


def test_p_values_equal_scipy_fisher_exact(eeoc, dcwp):
    table = eeoc.table
    for dim, column in CATEGORIES.items():
        counts = dcwp.dropna(subset=[column]).groupby(column)["selected"].agg(["size", "sum"])
        rates = counts["sum"] / counts["size"]
        ref = rates.idxmax()
        rows = table[table["dimension"] == dim].set_index("category")
        for cat, (n, k) in counts.iterrows():
            got = rows.loc[cat, "p_value"]
            if cat == ref:
                assert np.isnan(got)
                continue
            n_ref, k_ref = counts.loc[ref]
            want = fisher_exact([[k, n - k], [k_ref, n_ref - k_ref]], alternative="two-sided")[1]
            assert got == want
    # the White category of the worked example: 15/40 against 18/28
    white = table[table["category"] == "White (Not Hispanic or Latino)"].iloc[0]
    assert white["p_value"] == fisher_exact([[15, 25], [18, 10]])[1]


def test_four_fifths_and_shortfall_on_the_worked_example(eeoc):
    rows = eeoc.table[eeoc.table["dimension"] == "race_ethnicity"].set_index("category")
    # reference Hispanic 18/28; 4/5 of it is 0.5143
    assert rows.loc[HISPANIC, "four_fifths"] == "pass"
    assert rows.loc["White (Not Hispanic or Latino)", ["four_fifths", "shortfall"]].tolist() == [
        "fail", 6  # 15/40 -> needs 21/40 = 0.525 >= 0.5143; 20/40 = 0.5 is not enough
    ]
    assert rows.loc["Black or African American (Not Hispanic or Latino)", "shortfall"] == 1
    assert rows.loc["Asian (Not Hispanic or Latino)", "shortfall"] == 3


@pytest.mark.parametrize("seed", range(20))
def test_shortfall_is_the_smallest_number_that_reaches_four_fifths(seed):
    rng = np.random.default_rng(seed)
    n = rng.integers(5, 60, size=4)
    k = np.array([rng.integers(0, m + 1) for m in n])
    frame = pd.DataFrame(
        {"g": np.repeat(list("abcd"), n), "y": np.concatenate([[1] * a + [0] * (m - a)
                                                                for a, m in zip(k, n)])}
    )
    audit = bias_audit(frame, categories={"g": "g"}, selected="y", standard="eeoc", n_boot=0)
    table = audit.table.set_index("category")
    ref = audit.references["g"]
    best = table.loc[ref, "selected"] / table.loc[ref, "applicants"]
    for _, row in table.iterrows():
        need = row["shortfall"]
        assert (row["selected"] + need) / row["applicants"] >= 0.8 * best - 1e-12
        if need > 0:
            assert (row["selected"] + need - 1) / row["applicants"] < 0.8 * best
        assert (row["four_fifths"] == "pass") == (need == 0)


def test_exactly_four_fifths_passes():
    # 40/100 against 50/100: the ratio is exactly 0.8 (floating point gives 0.7999...)
    frame = pd.DataFrame(
        {"g": ["a"] * 100 + ["b"] * 100, "y": [1] * 40 + [0] * 60 + [1] * 50 + [0] * 50}
    )
    audit = bias_audit(frame, categories={"g": "g"}, selected="y", standard="eeoc", n_boot=0)
    row = audit.table.set_index("category").loc["a"]
    assert row["four_fifths"] == "pass" and row["shortfall"] == 0


def test_ll144_has_no_eeoc_columns(dcwp):
    audit = bias_audit(dcwp, categories=CATEGORIES, selected="selected", n_boot=0)
    assert not {"four_fifths", "p_value", "shortfall"} & set(audit.table.columns)
