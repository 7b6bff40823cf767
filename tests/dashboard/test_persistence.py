from __future__ import annotations

import json
import shutil

import pytest

from rai_toolkit.dashboard import load_insights, save_insights
from rai_toolkit.exceptions import ArgumentError, DashboardError, UnsafeModelError

from .conftest import run_in_runtime


@pytest.fixture(scope="module")
def loaded(saved_path, trusted):
    return load_insights(saved_path, trusted=trusted)


@pytest.fixture(scope="module")
def plain_load(saved_path, runtime_python):
    """The saved folder opened with plain RAIInsights.load inside the runtime."""
    code = (
        "import json, sys\n"
        "from responsibleai import RAIInsights\n"
        "rai = RAIInsights.load(sys.argv[2])\n"
        "[data] = rai.counterfactual.get_data()\n"
        "print(json.dumps({'n': len(rai.counterfactual.get()), 'cfs_list': data.cfs_list,\n"
        "                  'local_importance': data.local_importance,\n"
        "                  'model': repr(rai.model)}, default=lambda o: o.item()))\n"
    )
    return json.loads(run_in_runtime(runtime_python, code, str(saved_path / "rai_insights")))


def test_round_trip_keeps_cohorts(insights, loaded):
    assert loaded.cohorts == insights.cohorts
    assert loaded.cohort_names == insights.cohort_names


def test_round_trip_keeps_counterfactuals(model_data, plain_load):
    [served] = model_data["counterfactualData"]
    assert plain_load["cfs_list"] == served["cfs_list"]
    assert plain_load["local_importance"] == served["local_importance"]


def test_round_trip_keeps_metadata(insights, loaded):
    assert loaded.to_dict() == json.loads(insights.to_json())


def test_round_trip_keeps_the_model(loaded, adult_small):
    model, _, test, _ = adult_small
    X = test.drop(columns="income")
    assert (loaded.model.predict_proba(X) == model.predict_proba(X)).all()


def test_folder_is_loadable_with_plain_raiinsights(plain_load):
    assert plain_load["n"] == 1
    # the model is not in the folder: a stand-in that asks rai_toolkit's channel
    assert plain_load["model"].startswith("ClassifierProxy(served by the user's process")


def test_saved_folder_holds_the_model_as_skops_only(saved_path):
    names = sorted(p.name for p in saved_path.iterdir())
    assert names == ["model.skops", "rai_insights", "rai_toolkit.json"]
    assert not [p for p in saved_path.rglob("*.pkl") if p.name == "model.pkl"]


def test_untrusted_model_types_are_refused_by_default(saved_path, trusted):
    with pytest.raises(UnsafeModelError, match=r"holds \d+ type\(s\) that are not trusted by "
                                               r"default: .*pass trusted=\[.*\] to "
                                               r"load_insights \(or launch_dashboard\)") as e:
        load_insights(saved_path)
    assert e.value.untrusted_types == trusted


def test_existing_folder_is_not_overwritten(insights, saved_path):
    with pytest.raises(ArgumentError, match=r"already exists; pass overwrite=True"):
        save_insights(insights, saved_path)


def test_failed_save_leaves_nothing_behind(insights, tmp_path, monkeypatch):
    import rai_toolkit.security

    def boom(model, path):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rai_toolkit.security, "save_model", boom)
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


@pytest.fixture
def copy(saved_path, tmp_path):
    dest = tmp_path / "copy"
    shutil.copytree(saved_path, dest)
    return dest


@pytest.mark.parametrize("cut", [0, 1, 57])
def test_truncated_info_file_is_one_clear_error(copy, trusted, cut):
    info = copy / "rai_toolkit.json"
    info.write_bytes(info.read_bytes()[:cut])
    with pytest.raises(DashboardError, match=r"rai_toolkit.json' is truncated or corrupt "
                                             r"\(invalid JSON: .* at line \d+ column \d+\)"):
        load_insights(copy, trusted=trusted)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"\xff\xfe garbage", r"not UTF-8 text"),
        (b"[1, 2]", r"expected a JSON object, found list"),
        (json.dumps({"schema": "rai_toolkit.insights/1"}).encode(), r"missing task, target"),
    ],
)
def test_corrupt_info_file_is_one_clear_error(copy, trusted, content, why):
    (copy / "rai_toolkit.json").write_bytes(content)
    with pytest.raises(DashboardError, match=rf"is truncated or corrupt \({why}"):
        load_insights(copy, trusted=trusted)


def test_malformed_cohort_is_one_clear_error(copy, trusted):
    info = json.loads((copy / "rai_toolkit.json").read_text())
    info["cohorts"][0]["filters"][0]["method"] = "drop table"
    (copy / "rai_toolkit.json").write_text(json.dumps(info))
    with pytest.raises(DashboardError, match=r"cohort 'sex = Female' has a malformed filter"):
        load_insights(copy, trusted=trusted)


def test_truncated_raiinsights_metadata_is_one_clear_error(copy, trusted):
    meta = copy / "rai_insights" / "meta.json"
    meta.write_bytes(meta.read_bytes()[:40])
    with pytest.raises(DashboardError, match=r"meta.json' is truncated or corrupt"):
        load_insights(copy, trusted=trusted)


def test_folder_of_an_earlier_version_is_refused_with_the_reason(copy, trusted):
    (copy / "model.skops").unlink()
    (copy / "rai_insights" / "model.pkl").write_bytes(b"pickle")
    with pytest.raises(ArgumentError, match=r"has no model.skops \(it was saved by an earlier "
                                            r"rai_toolkit, which pickled the model"):
        load_insights(copy, trusted=trusted)


@pytest.mark.parametrize("bad", [None, 3, ["a"]])
def test_path_must_be_a_path(bad):
    with pytest.raises(ArgumentError, match=r"`path` must be the path of a folder"):
        load_insights(bad)
