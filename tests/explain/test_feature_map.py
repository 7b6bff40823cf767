import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer, make_column_transformer
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    PolynomialFeatures,
    StandardScaler,
)

from rai_toolkit.explain._feature_map import UnmappableStep, column_sources


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    n = 200
    num = rng.normal(size=n)
    num[:5] = np.nan
    return pd.DataFrame({
        "colour": rng.choice(["red", "green", "blue"], n),
        "num": num,
        "size": rng.choice(["S", "M", "L", "XL"], n),
        "other": rng.normal(size=n),
    })


def _expected_from_names(ct, raw):
    """Independent authority: parse ColumnTransformer output names back to raw columns."""
    out = []
    for name in ct.get_feature_names_out():
        rest = name.split("__", 1)[1].replace("missingindicator_", "")
        matches = [i for i, c in enumerate(raw) if rest == c or rest.startswith(c + "_")]
        out.append(max(matches, key=lambda i: len(raw[i])))
    return out


def test_column_transformer_onehot_drop_and_passthrough(frame):
    ct = make_column_transformer(
        (OneHotEncoder(drop="first"), ["colour", "size"]),
        (make_pipeline(SimpleImputer(add_indicator=True), StandardScaler()), ["num"]),
        remainder="passthrough",
    ).fit(frame)
    sources = column_sources([ct], frame.shape[1])
    assert len(sources) == ct.transform(frame).shape[1]
    assert sources.tolist() == _expected_from_names(ct, list(frame.columns))


def test_remainder_drop_leaves_raw_column_without_outputs(frame):
    ct = ColumnTransformer([("oh", OneHotEncoder(), ["size"])], remainder="drop").fit(frame)
    sources = column_sources(ct, frame.shape[1])
    assert sources.tolist() == [2, 2, 2, 2]


def test_infrequent_categories_are_grouped_with_their_column(frame):
    enc = OneHotEncoder(min_frequency=60, handle_unknown="infrequent_if_exist")
    ct = make_column_transformer((enc, ["colour", "size"]), remainder="drop").fit(frame)
    sources = column_sources(ct, frame.shape[1])
    assert len(sources) == ct.transform(frame).shape[1]
    assert sources.tolist() == _expected_from_names(ct, list(frame.columns))


@pytest.mark.parametrize(
    "step",
    [PCA(n_components=2), PolynomialFeatures(2), FunctionTransformer(np.cumsum)],
    ids=["pca", "poly", "function"],
)
def test_column_mixing_step_is_unmappable(frame, step):
    numeric = frame[["num", "other"]].fillna(0.0)
    step.fit(numeric)
    with pytest.raises(UnmappableStep, match=type(step).__name__):
        column_sources([step], 2)
