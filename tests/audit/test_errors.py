"""Every bad input of bias_audit gets one clear error (type and message)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.audit import bias_audit
from rai_toolkit.exceptions import ArgumentError, DataValidationError

from .conftest import CATEGORIES


def _audit(data, **kwargs):
    options = {"categories": CATEGORIES, "selected": "selected", "n_boot": 0, **kwargs}
    return bias_audit(data, **options)


# ---------------------------------------------------------------- the "Bad input" lines
def test_both_selected_and_score(dcwp):
    with pytest.raises(ArgumentError, match=r"exactly one of selected= .* and score= .*both given"):
        _audit(dcwp, score="score")


def test_neither_selected_nor_score(dcwp):
    with pytest.raises(ArgumentError, match=r"exactly one of selected=.*neither given"):
        _audit(dcwp, selected=None)


@pytest.mark.parametrize(
    "values, shown",
    [
        ([0, 1, 2], "2"),
        ([0.0, 1.0, 0.5], "0.5"),
        (["yes", "no", "yes"], "'yes'"),
        (["1", "0", "1"], "'1'"),
    ],
)
def test_non_binary_selected(values, shown):
    frame = pd.DataFrame({"sex": ["F", "M", "F"], "selected": values})
    with pytest.raises(DataValidationError, match=rf"'selected' must be binary .*{shown}"):
        bias_audit(frame, categories={"sex": "sex"}, selected="selected", n_boot=0)


def test_selected_with_missing_values(dcwp):
    frame = dcwp.assign(selected=dcwp["selected"].astype(float))
    frame.loc[3, "selected"] = np.nan
    with pytest.raises(DataValidationError, match=r"'selected' has 1 missing value"):
        _audit(frame)


def test_missing_category_column(dcwp):
    with pytest.raises(DataValidationError, match=r"'ethnicity' given as `categories` not found"):
        _audit(dcwp, categories={"sex": "sex", "race_ethnicity": "ethnicity"})


def test_all_missing_category_column(dcwp):
    frame = dcwp.assign(race=None)
    with pytest.raises(DataValidationError, match=r"'race' \(dimension 'race_ethnicity'\) is "
                                                  r"entirely missing"):
        _audit(frame)


def test_single_category(dcwp):
    frame = dcwp.assign(sex="Female")
    with pytest.raises(DataValidationError, match=r"'sex'.*has a single category \('Female'\)"):
        _audit(frame)


def test_single_known_category_with_unknowns(dcwp):
    frame = dcwp.assign(sex=np.where(dcwp.index < 10, None, "Female"))
    with pytest.raises(DataValidationError, match=r"single category"):
        _audit(frame)


def test_a_continuous_category_column_is_refused(dcwp):
    # a score or an age in years used to become one "category" per distinct value
    rng = np.random.default_rng(0)
    frame = dcwp.assign(sex=rng.random(len(dcwp)))
    with pytest.raises(DataValidationError, match=r"Category column 'sex' \(dimension 'sex'\) "
                       rf"looks continuous \({len(dcwp)} distinct numeric values\); an impact "
                       r"ratio compares demographic categories") as info:
        _audit(frame)
    assert info.value.argument == "categories"
    # a category coded as a few numbers is still a category
    coded = _audit(dcwp.assign(sex=(dcwp["sex"] == "Female").astype(int)))
    assert coded.n_rows == len(dcwp)


@pytest.mark.parametrize("standard", ["ll144", "EEOC", "", None, 3])
def test_unknown_standard_lists_the_valid_ones(dcwp, standard):
    with pytest.raises(ArgumentError, match=r"standard=.* is not valid; choose one of: "
                                            r"nyc_ll144, eeoc"):
        _audit(dcwp, standard=standard)


# ---------------------------------------------------------------- further bad inputs
def test_data_must_be_a_frame(dcwp):
    with pytest.raises(DataValidationError, match=r"`data` must be a pandas DataFrame"):
        _audit(dcwp.to_numpy())


def test_empty_data(dcwp):
    with pytest.raises(DataValidationError, match=r"`data` is empty"):
        _audit(dcwp.iloc[:0])


@pytest.mark.parametrize(
    "categories, error, message",
    [
        (["sex", "race"], ArgumentError, r"`categories` must map each dimension"),
        ("sex", ArgumentError, r"`categories` must map each dimension"),
        ({}, ArgumentError, r"`categories` is empty"),
        ({"": "sex"}, ArgumentError, r"non-empty string; received ''"),
        ({1: "sex"}, ArgumentError, r"non-empty string; received 1"),
        ({"sex": ["sex"]}, ArgumentError, r"categories\['sex'\] must be the name of a column"),
        ({"a": "sex", "b": "sex"}, ArgumentError, r"uses column\(s\) 'sex' for more than one"),
        ({"a × b": "sex"}, ArgumentError, r"names the intersection"),
    ],
)
def test_malformed_categories(dcwp, categories, error, message):
    with pytest.raises(error, match=message):
        _audit(dcwp, categories=categories)


def test_outcome_column_missing(dcwp):
    with pytest.raises(DataValidationError, match=r"'hired' given as `selected` not found"):
        _audit(dcwp, selected="hired")


def test_outcome_given_as_values(dcwp):
    with pytest.raises(ArgumentError, match=r"`selected` must be the name of a column"):
        _audit(dcwp, selected=dcwp["selected"])
    with pytest.raises(ArgumentError, match=r"`score` must be the name of a column"):
        _audit(dcwp, selected=None, score=list(dcwp["score"]))


def test_outcome_is_a_category_column(dcwp):
    with pytest.raises(ArgumentError, match=r"selected='sex' is also a category column"):
        _audit(dcwp, selected="sex")


def test_non_numeric_score(dcwp):
    frame = dcwp.assign(score=dcwp["score"].astype(str))
    with pytest.raises(DataValidationError, match=r"Score column 'score' must be numeric"):
        _audit(frame, selected=None, score="score")
    frame = dcwp.assign(score=dcwp["selected"].astype(bool))
    with pytest.raises(DataValidationError, match=r"Score column 'score' must be numeric"):
        _audit(frame, selected=None, score="score")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_score(dcwp, bad):
    frame = dcwp.copy()
    frame.loc[5, "score"] = bad
    with pytest.raises(DataValidationError, match=r"'score' has 1 missing or infinite value"):
        _audit(frame, selected=None, score="score")


@pytest.mark.parametrize("date", ["2024-13-01", "yesterday", 20240101, 1.5, pd.NaT])
def test_bad_date(dcwp, date):
    with pytest.raises(ArgumentError, match=r"date") as info:
        _audit(dcwp, date=date)
    assert info.value.argument == "date"


@pytest.mark.parametrize("future", ["2999-01-01", dt.date(2999, 1, 1), pd.Timestamp("2200-01-01"),
                                    dt.date.today() + dt.timedelta(days=3)])
def test_a_future_audit_date_is_refused(dcwp, future):
    with pytest.raises(ArgumentError, match=r"date=\d{4}-\d\d-\d\d is in the future \(today is "
                       r"\d{4}-\d\d-\d\d UTC\).*day the audit was carried out") as info:
        _audit(dcwp, date=future)
    assert info.value.argument == "date"


def test_today_and_tomorrow_are_accepted(dcwp):
    today = dt.datetime.now(dt.UTC).date()
    assert _audit(dcwp, date=today).date == today
    # the caller's local date may be a day ahead of UTC
    tomorrow = today + dt.timedelta(days=1)
    assert _audit(dcwp, date=tomorrow.isoformat()).date == tomorrow


@pytest.mark.parametrize("date", ["2024-06-30", dt.date(2024, 6, 30),
                                  dt.datetime(2024, 6, 30, 12), pd.Timestamp("2024-06-30")])
def test_good_dates(dcwp, date):
    assert _audit(dcwp, date=date).date == dt.date(2024, 6, 30)


def test_bad_data_source(dcwp):
    with pytest.raises(ArgumentError, match=r"data_source='live' is not valid; choose one of: "
                                            r"historical, test"):
        _audit(dcwp, data_source="live")


def test_exclude_small_needs_a_justification(dcwp):
    with pytest.raises(ArgumentError, match=r"exclude_small=True needs exclusion_justification"):
        _audit(dcwp, exclude_small=True)
    with pytest.raises(ArgumentError, match=r"exclusion_justification must be a non-empty"):
        _audit(dcwp, exclude_small=True, exclusion_justification="  ")


def test_a_justification_without_exclusion_is_refused(dcwp):
    # it used to be written into the audit although no category was excluded
    with pytest.raises(ArgumentError, match=r"exclusion_justification was given but "
                       r"exclude_small is False, so no category is excluded") as info:
        _audit(dcwp, exclusion_justification="Categories under 2% are unstable.")
    assert info.value.argument == "exclusion_justification"


@pytest.mark.parametrize("name, value", [("intersectional", "yes"), ("exclude_small", 1)])
def test_flags_must_be_booleans(dcwp, name, value):
    expected = rf"{name} must be True or False; received {value!r}\."
    with pytest.raises(ArgumentError, match=expected) as err:
        _audit(dcwp, **{name: value})
    assert err.value.argument == name


@pytest.mark.parametrize("n_boot", [-1, 50, 1.5, True, "1000"])
def test_bad_n_boot(dcwp, n_boot):
    with pytest.raises(ArgumentError, match=r"n_boot must be 0 \(no intervals\) or an integer"):
        _audit(dcwp, n_boot=n_boot)


@pytest.mark.parametrize("ci", [0, 1, 95, -0.5, "0.95", True])
def test_bad_ci(dcwp, ci):
    with pytest.raises(ArgumentError, match=r"ci must be a coverage strictly between 0 and 1"):
        _audit(dcwp, ci=ci)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True, np.random.RandomState(0)])
def test_bad_random_state(dcwp, seed):
    with pytest.raises(ArgumentError, match=r"random_state must be None, a non-negative integer"):
        _audit(dcwp, random_state=seed)


def test_bad_title(dcwp):
    with pytest.raises(ArgumentError, match=r"title must be a string or None"):
        _audit(dcwp, title=3)


def test_labels_that_read_the_same(dcwp):
    frame = dcwp.assign(sex=pd.Series([1 if i % 2 else "1" for i in range(len(dcwp))],
                                      dtype=object))
    with pytest.raises(DataValidationError, match=r"different values that read the same"):
        _audit(frame)


def test_unhashable_category_values(dcwp):
    frame = dcwp.assign(sex=[[v] for v in dcwp["sex"]])
    with pytest.raises(DataValidationError, match=r"'sex' holds unhashable values"):
        _audit(frame)


def test_duplicated_column_names(dcwp):
    frame = pd.concat([dcwp, dcwp[["sex"]]], axis=1)
    with pytest.raises(DataValidationError, match=r"duplicated column names: sex"):
        _audit(frame)


def test_too_many_replicates_are_refused_before_any_allocation(dcwp):
    with pytest.raises(ArgumentError, match=r"n_boot=100000000 replicates of 17 categories .* "
                                            r"GB; lower n_boot"):
        _audit(dcwp, n_boot=100_000_000)


def test_multiindex_columns_are_named_by_tuples(dcwp):
    frame = dcwp.copy()
    frame.columns = pd.MultiIndex.from_tuples([("who", c) for c in frame.columns])
    audit = bias_audit(frame, categories={"sex": ("who", "sex")}, selected=("who", "selected"),
                       n_boot=0)
    assert audit.table["applicants"].tolist() == [76, 92]
    with pytest.raises(ArgumentError, match=r"categories\['sex'\] must be the name of a column"):
        bias_audit(frame, categories={"sex": ("who", "nope")}, selected=("who", "selected"))
