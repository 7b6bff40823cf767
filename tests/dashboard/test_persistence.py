from __future__ import annotations

import json

import pytest

from rai_toolkit.dashboard import load_insights, save_insights
from rai_toolkit.exceptions import ArgumentError, DashboardError


@pytest.fixture(scope="module")
def loaded(saved_path):
    return load_insights(saved_path)


def test_round_trip_keeps_cohorts(insights, loaded):
    assert loaded.cohorts == insights.cohorts
    assert loaded.cohort_names == insights.cohort_names


def test_round_trip_keeps_counterfactuals(insights, loaded):
    [a] = insights.rai_insights.counterfactual.get_data()
    [b] = loaded.rai_insights.counterfactual.get_data()
    assert a.cfs_list == b.cfs_list
    assert a.local_importance == b.local_importance


def test_round_trip_keeps_metadata(insights, loaded):
    assert loaded.to_dict() == json.loads(insights.to_json())


def test_folder_is_loadable_with_plain_raiinsights(saved_path):
    from responsibleai import RAIInsights

    rai = RAIInsights.load(str(saved_path / "rai_insights"))
    assert len(rai.counterfactual.get()) == 1


def test_existing_folder_is_not_overwritten(insights, saved_path):
    with pytest.raises(ArgumentError, match=r"already exists; pass overwrite=True"):
        save_insights(insights, saved_path)


def test_failed_save_leaves_nothing_behind(insights, tmp_path, monkeypatch):
    def boom(path):
        raise RuntimeError("disk full")

    monkeypatch.setattr(insights.rai_insights, "save", boom)
    with pytest.raises(DashboardError, match=r"Could not save insights .* disk full\. Nothing "
                                             r"was written"):
        save_insights(insights, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_atomically(insights, tmp_path):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "stale.txt").write_text("old")
    save_insights(insights, dest, overwrite=True)
    assert not (dest / "stale.txt").exists()
    assert (dest / "rai_toolkit.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
