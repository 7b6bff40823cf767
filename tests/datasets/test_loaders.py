import re
import socket

import pandas as pd
import pytest

from rai_toolkit.datasets import (
    Dataset,
    _loaders,
    list_datasets,
    load_adult,
    load_compas,
    load_dataset,
    load_german_credit,
)
from rai_toolkit.exceptions import DatasetNotFoundError, DataValidationError

ADULT_COLUMNS = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
    "income",
]
GERMAN_COLUMNS = [
    "checking_status",
    "duration_months",
    "credit_history",
    "purpose",
    "credit_amount",
    "savings",
    "employment_since",
    "installment_rate",
    "personal_status",
    "sex",
    "other_debtors",
    "residence_since",
    "property",
    "age",
    "other_installment_plans",
    "housing",
    "existing_credits",
    "job",
    "num_dependents",
    "telephone",
    "foreign_worker",
    "credit_risk",
]


# ---------------------------------------------------------------------- Adult
def test_adult_has_all_rows_of_both_files():
    ds = load_adult()
    assert ds.shape == (48842, 15)
    assert ds.split.value_counts().to_dict() == {"train": 32561, "test": 16281}
    assert ds.split.index.equals(ds.frame.index)


def test_adult_columns_are_snake_case():
    assert load_adult().frame.columns.tolist() == ADULT_COLUMNS


def test_adult_income_is_binary_with_known_positive_count():
    ds = load_adult()
    assert ds.target == "income"
    assert ds.y.dtype == "int64"
    assert set(ds.y.unique()) == {0, 1}
    assert int(ds.y.sum()) == 11687
    assert ds.base_rate == pytest.approx(11687 / 48842)
    assert round(ds.base_rate, 4) == 0.2393


def test_adult_positive_count_per_original_file():
    train, test = load_adult().train_test()
    assert (len(train), int(train.y.sum())) == (32561, 7841)
    assert (len(test), int(test.y.sum())) == (16281, 3846)
    assert train.split is None


def test_adult_strings_have_no_padding_or_label_period():
    frame = load_adult().frame
    for column in ["workclass", "education", "race", "sex", "native_country"]:
        values = frame[column].dropna()
        assert (values == values.str.strip()).all(), column
        assert not values.str.endswith(".").any(), column
    assert sorted(frame["sex"].unique()) == ["Female", "Male"]


def test_adult_question_marks_are_missing_and_rows_kept():
    frame = load_adult().frame
    assert not frame.isin(["?"]).any().any()
    missing = frame.isna().sum()
    assert missing[missing > 0].to_dict() == {
        "workclass": 2799,
        "occupation": 2809,
        "native_country": 857,
    }


def test_adult_first_row_of_test_file_is_data_not_the_junk_line():
    ds = load_adult()
    first_test = ds.frame[ds.split == "test"].iloc[0]
    assert first_test["age"] == 25
    assert first_test["education"] == "11th"
    assert first_test["income"] == 0


def test_adult_roles():
    ds = load_adult()
    assert ds.sensitive_features == ["sex", "race"]
    assert "fnlwgt" not in ds.categorical_features
    assert set(ds.categorical_features) <= set(ds.frame.select_dtypes(object).columns)
    assert "age" in ds.description and "fnlwgt" in ds.description


# --------------------------------------------------------------------- COMPAS
def test_compas_keeps_all_rows_and_columns():
    ds = load_compas()
    assert ds.shape == (7214, 53)
    assert {"decile_score", "decile_score.1", "priors_count", "priors_count.1"} <= set(
        ds.frame.columns
    )
    assert ds.frame.columns[-1] == "two_year_recid"


def test_compas_target_count():
    ds = load_compas()
    assert ds.target == "two_year_recid"
    assert int(ds.y.sum()) == 3251
    assert ds.base_rate == pytest.approx(3251 / 7214)


def test_compas_sensitive_features_and_groups():
    ds = load_compas()
    assert ds.sensitive_features == ["race", "sex", "age_cat"]
    assert ds.frame["race"].value_counts()["African-American"] == 3696
    assert ds.frame["sex"].value_counts().to_dict() == {"Male": 5819, "Female": 1395}


def test_compas_propublica_filter_reproduces_published_row_count():
    f = load_compas().frame
    kept = f[
        f["days_b_screening_arrest"].between(-30, 30)
        & (f["is_recid"] != -1)
        & (f["c_charge_degree"] != "O")
        & (f["score_text"] != "N/A")
    ]
    assert len(kept) == 6172


def test_compas_metadata_lists_leaking_columns():
    ds = load_compas()
    assert {"is_recid", "event", "r_charge_desc"} <= set(ds.metadata["outcome_columns"])
    assert set(ds.metadata["outcome_columns"]) <= set(ds.frame.columns)


# -------------------------------------------------------------- German credit
def test_german_shape_columns_and_target():
    ds = load_german_credit()
    assert ds.shape == (1000, 22)
    assert ds.frame.columns.tolist() == GERMAN_COLUMNS
    assert ds.target == "credit_risk"
    assert ds.y.value_counts().to_dict() == {1: 700, 0: 300}


def test_german_codes_are_decoded():
    frame = load_german_credit().frame
    text = frame.select_dtypes(object)
    assert not text.apply(lambda s: s.str.fullmatch(r"A\d{2,3}")).any().any()
    assert frame.loc[0, "checking_status"] == "< 0 DM"
    assert frame.loc[0, "purpose"] == "radio/television"
    assert frame.loc[1, "personal_status"] == "female: divorced/separated/married"
    assert frame["foreign_worker"].value_counts().to_dict() == {"yes": 963, "no": 37}


def test_german_sex_is_derived_from_personal_status():
    frame = load_german_credit().frame
    assert frame["sex"].value_counts().to_dict() == {"male": 690, "female": 310}
    assert (frame["sex"] == frame["personal_status"].str.split(":").str[0]).all()


def test_german_roles_and_cost_matrix():
    ds = load_german_credit()
    assert ds.sensitive_features == ["sex", "age"]
    assert ds.frame["age"].dtype == "int64"
    assert ds.metadata["cost_matrix"]["costs"] == [[0, 1], [5, 0]]
    assert "derived" in ds.description


# --------------------------------------------------------------------- by name
def test_list_datasets():
    assert list_datasets() == ["adult", "compas", "german_credit"]


@pytest.mark.parametrize("name", ["adult", "compas", "german_credit"])
def test_load_dataset_by_name(name):
    ds = load_dataset(name)
    assert isinstance(ds, Dataset)
    assert ds.name == name


def test_unknown_dataset_name_raises_with_valid_names():
    message = "Unknown dataset 'foo'; valid names are: adult, compas, german_credit."
    with pytest.raises(DatasetNotFoundError, match=re.escape(message)):
        load_dataset("foo")


def test_unknown_dataset_error_is_a_value_error():
    with pytest.raises(ValueError, match="list_datasets"):
        load_dataset("Adult")


# ------------------------------------------------------------- copies, offline
@pytest.mark.parametrize("loader", [load_adult, load_compas, load_german_credit])
def test_returned_frames_are_independent_copies(loader):
    first = loader()
    target = first.target
    first.frame.loc[:, target] = -1
    first.frame.drop(index=first.frame.index[:10], inplace=True)
    second = loader()
    assert (second.y >= 0).all()
    assert len(second.frame) > len(first.frame)


def test_adult_split_is_a_copy():
    first = load_adult()
    first.split.iloc[:] = "changed"
    assert load_adult().split.iloc[0] == "train"


def test_loading_does_not_touch_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    _loaders._clear_cache()
    try:
        sizes = {name: load_dataset(name).shape[0] for name in list_datasets()}
    finally:
        _loaders._clear_cache()
    assert sizes == {"adult": 48842, "compas": 7214, "german_credit": 1000}


# ------------------------------------------------------------------- Dataset
def test_dataset_x_and_y():
    ds = load_german_credit()
    assert "credit_risk" not in ds.X.columns
    assert ds.X.shape == (1000, 21)
    assert isinstance(ds.y, pd.Series)
    assert ds.y.name == "credit_risk"


def test_dataset_attributes_are_read_only():
    ds = load_german_credit()
    with pytest.raises(AttributeError):
        ds.target = "age"
    ds.sensitive_features.append("job")
    assert ds.sensitive_features == ["sex", "age"]
    with pytest.raises(TypeError):
        ds.metadata["cost_matrix"] = None


def test_dataset_reprs():
    ds = load_german_credit()
    assert repr(ds) == (
        "Dataset(name='german_credit', rows=1000, columns=22, target='credit_risk', "
        "sensitive_features=['sex', 'age'])"
    )
    page = ds._repr_html_()
    assert "german_credit" in page and "0.7000" in page and "<table" in page


def test_dataset_rejects_unknown_sensitive_feature():
    frame = pd.DataFrame({"x": [1, 2], "y": [0, 1]})
    message = (
        "Sensitive feature 'sex' not found in the frame of dataset 'toy'; columns are: x, y. "
        "Pass sensitive_features=[...] naming existing columns."
    )
    with pytest.raises(DataValidationError, match=re.escape(message)):
        Dataset(name="toy", frame=frame, target="y", sensitive_features=["sex"])


def test_dataset_rejects_unknown_target():
    frame = pd.DataFrame({"x": [1, 2], "y": [0, 1]})
    with pytest.raises(DataValidationError, match="Target 'label' not found"):
        Dataset(name="toy", frame=frame, target="label", sensitive_features=[])


def test_train_test_without_split_raises():
    with pytest.raises(DataValidationError, match="Dataset 'compas' has no original train/test"):
        load_compas().train_test()
