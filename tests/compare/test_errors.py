"""compare_reports refuses what it cannot compare, with one clear error each."""

from __future__ import annotations

import copy
import json
import warnings

import numpy as np
import pytest

from rai_toolkit import compare_reports
from rai_toolkit.exceptions import ArgumentError, DataValidationError


@pytest.fixture(scope="module")
def docs(two_groups):
    base, cur = two_groups
    return base.to_dict(), cur.to_dict()


def test_different_targets(sample, report, two_groups):
    frame = sample(2000, seed=1).rename(columns={"y": "hired"})
    other = report(frame, target="hired")
    with pytest.raises(
        DataValidationError, match=r"differ in target \(baseline 'y', current 'hired'\)"
    ):
        compare_reports(two_groups[0], other, n_boot=100)


def test_different_groupings(sample, report):
    frame = sample(2000, seed=1)
    frame["region"] = frame["group"].map({"a": "north", "b": "south"})
    one = report(frame.drop(columns="score", errors="ignore"))
    two = report(frame, sensitive_features="region")
    with pytest.raises(
        DataValidationError,
        match=r"sensitive_features \(baseline \['group'\], current \['region'\]\)",
    ):
        compare_reports(one, two, n_boot=100)


def test_different_groups(sample, report):
    frame = sample(2000, seed=1)
    more = frame.copy()
    more.loc[:40, "group"] = "c"
    with pytest.raises(
        DataValidationError,
        match=r"groups of 'group' \(only in the baseline: none; only in the current: "
        r"\['group=c'\]\)",
    ):
        compare_reports(report(frame), report(more), n_boot=100)


def test_different_metrics(two_groups, sample, report):
    labels_only = report(sample(2000, seed=9))
    with pytest.raises(DataValidationError, match=r"differ in metrics .*criteria"):
        compare_reports(two_groups[0], labels_only, n_boot=100)


def test_different_reference_group(sample, report):
    frame = sample(2000, seed=1)
    with pytest.raises(DataValidationError, match="reference group of 'group'"):
        compare_reports(report(frame), report(frame, reference_group="a"), n_boot=100)


def test_regression_refused(sample, report):
    frame = sample(500, seed=1)
    frame["yhat"] = frame["x0"] * 0.5
    reg = report(frame.assign(y=frame["x1"]), y_pred="yhat", task="regression")
    with pytest.raises(DataValidationError, match="baseline is a regression report"):
        compare_reports(reg, reg, n_boot=100)


def test_multiclass_refused_with_for_class(sample, report):
    frame = sample(900, seed=1)
    frame["y"] = frame.index % 3
    frame["pred"] = (frame.index // 2) % 3
    multi = report(frame)
    with pytest.raises(
        DataValidationError, match=r"multiclass report; .*report.for_class\(label\)"
    ):
        compare_reports(multi, multi, n_boot=100)
    one = multi.for_class(1)
    assert compare_reports(one, one, n_boot=100, random_state=0).changes["change"].abs().max() == 0


def test_older_schema_without_count_tables(docs):
    old = copy.deepcopy(docs[0])
    old["schema_version"] = "1.3"
    del old["count_tables"]
    with pytest.raises(
        DataValidationError,
        match=r"baseline has no count tables \(schema_version '1.3'.*"
        r"Re-run analyze_fairness with the current rai_toolkit",
    ):
        compare_reports(old, docs[1], n_boot=100)


def test_malformed_json(docs, tmp_path):
    with pytest.raises(DataValidationError, match="current: the JSON text is not valid JSON"):
        compare_reports(docs[0], '{"kind": ', n_boot=100)
    path = tmp_path / "bad.json"
    path.write_text("{nope")
    with pytest.raises(DataValidationError, match="baseline: .*bad.json' is not valid JSON"):
        compare_reports(path, docs[1], n_boot=100)
    with pytest.raises(DataValidationError, match="baseline: no file at"):
        compare_reports(tmp_path / "missing.json", docs[1], n_boot=100)


def test_broken_count_tables(docs):
    broken = copy.deepcopy(docs[1])
    broken["count_tables"]["tables"][0]["cells"] = [10**9]
    with pytest.raises(DataValidationError, match="count_tables of current is malformed"):
        compare_reports(docs[0], broken, n_boot=100)
    negative = copy.deepcopy(docs[1])
    negative["count_tables"]["tables"][0]["counts"][0] = -3
    with pytest.raises(DataValidationError, match="count_tables of current is inconsistent"):
        compare_reports(docs[0], negative, n_boot=100)
    missing = copy.deepcopy(docs[1])
    del missing["results"]
    with pytest.raises(DataValidationError, match="current is malformed .*'results'"):
        compare_reports(docs[0], missing, n_boot=100)


def test_not_a_fairness_report(docs):
    with pytest.raises(
        DataValidationError, match="baseline is not a fairness report .*'bias_audit'"
    ):
        compare_reports({"kind": "bias_audit"}, docs[1], n_boot=100)
    with pytest.raises(DataValidationError, match="is not a fairness report"):
        compare_reports(docs[0], json.dumps([1, 2]).replace("[", '{"a": [', 1) + "}", n_boot=100)


def test_an_assessment_document_is_named(docs, tmp_path):
    from sklearn.linear_model import LogisticRegression

    from rai_toolkit.compare._compare import ASSESSMENT_SCHEMA_PREFIX
    from rai_toolkit.datasets import make_biased_classification
    from rai_toolkit.report import assess
    from rai_toolkit.report._assessment import SCHEMA

    assert SCHEMA.startswith(ASSESSMENT_SCHEMA_PREFIX)
    frame = make_biased_classification(600, n_features=3, random_state=0).frame
    model = LogisticRegression().fit(frame[["x0", "x1", "x2"]], frame["y"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assessment = assess(model, frame, target="y", sensitive_features="group", n_boot=0,
                            explain=False, privacy=False, robustness=False)  # fmt: skip
    path = tmp_path / "assessment.json"
    assessment.to_json(path)
    match = (
        r"current is an assessment document .* not a fairness report: it has no count tables"
        r".* rai-toolkit analyze --fairness-json PATH, or with report\.to_json\(path\)"
    )
    for value in (path, str(path), path.read_text(), assessment.to_dict()):
        with pytest.raises(DataValidationError, match=match):
            compare_reports(docs[0], value, n_boot=100)
    # recognised by its schema name alone
    with pytest.raises(DataValidationError, match="is an assessment document"):
        compare_reports({"schema": SCHEMA}, docs[1], n_boot=100)


@pytest.mark.parametrize("value", [3, None, ["x"], b"{}"])
def test_wrong_types(docs, value):
    with pytest.raises(
        ArgumentError, match="current must be a FairnessReport or its saved JSON; received"
    ):
        compare_reports(docs[0], value, n_boot=100)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"n_boot": 10}, "n_boot"),
        ({"n_boot": 1.5}, "n_boot"),
        ({"ci": 95}, "ci"),
        ({"random_state": -1}, "random_state"),
    ],
)
def test_bad_options(docs, kw, match):
    with pytest.raises(ArgumentError, match=match):
        compare_reports(docs[0], docs[1], **kw)


def test_options_are_keyword_only(docs):
    with pytest.raises(ArgumentError):
        compare_reports(docs[0], docs[1], 0.9)


@pytest.mark.parametrize("n_boot", [10**12, np.int64(10**15)])
def test_an_n_boot_that_cannot_fit_in_memory_is_refused_before_any_draw(docs, n_boot):
    # it used to fail with numpy's MemoryError when allocating the replicates
    with pytest.raises(ArgumentError, match=r"compare_reports would need about [\d.]+ GiB of "
                       rf"memory for n_boot={int(n_boot)} bootstrap replicates of \d+ group\(s\) "
                       r"of 'group'.*To fit: pass n_boot=\d+ or less") as info:
        compare_reports(*docs, n_boot=n_boot, random_state=0)
    assert info.value.argument == "n_boot"
