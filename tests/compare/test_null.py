"""The null check of issue 16: the same model on two samples of the same data flags nothing."""

from __future__ import annotations

import numpy as np

from rai_toolkit import compare_reports


def test_two_samples_of_the_same_data_flag_no_row_in_95_percent(sample, report):
    sims, flagged, excluded = 200, 0, 0
    for s in range(sims):
        base = report(sample(2000, seed=2 * s))
        cur = report(sample(2000, seed=2 * s + 1))
        changes = compare_reports(base, cur, n_boot=200, random_state=s).changes
        flagged += bool(changes["worse"].fillna(False).any())
        lower, upper = changes["change_lower"], changes["change_upper"]
        excluded += bool(((lower > 0) | (upper < 0)).any())
    # at most 5% of the simulations flag any row (measured: 1 of 200)
    assert flagged <= 0.05 * sims
    # the two-sided simultaneous intervals keep their familywise coverage (measured: 6 of 200)
    assert excluded <= 0.05 * sims


def test_a_gap_injected_with_make_biased_classification_is_detected(sample, report):
    found = 0
    for s in range(20):
        base = report(sample(2000, seed=2 * s))
        cur = report(sample(2000, seed=2 * s + 1, feature_bias=1.0))
        cmp = compare_reports(base, cur, n_boot=200, random_state=s)
        criteria = cmp.criteria.set_index("criterion")
        found += bool(criteria.loc["demographic_parity", "worse"])
        assert np.isfinite(criteria.loc["demographic_parity", "change_lower"])
    assert found >= 19
