import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from lightgbm import LGBMClassifier  # noqa: E402
from sklearn.compose import make_column_transformer  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler  # noqa: E402

from rai_toolkit.datasets import load_adult  # noqa: E402

CATEGORICAL = ["workclass", "education", "marital_status", "occupation", "relationship", "race",
               "sex", "native_country"]


@pytest.fixture(scope="session")
def adult():
    """1,500 Adult rows (with missing values), target 'income'."""
    return load_adult().frame.sample(1500, random_state=0)


@pytest.fixture(scope="session")
def adult_xy(adult):
    return adult.drop(columns="income"), adult["income"]


@pytest.fixture(scope="session")
def numeric_columns(adult_xy):
    X, _ = adult_xy
    return [c for c in X.columns if c not in CATEGORICAL]


def _onehot():
    return make_pipeline(
        SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
    )


@pytest.fixture(scope="session")
def lgbm_pipeline(adult_xy):
    X, y = adult_xy
    pre = make_column_transformer((_onehot(), CATEGORICAL), remainder="passthrough")
    model = make_pipeline(pre, LGBMClassifier(n_estimators=40, num_leaves=15, verbose=-1))
    return model.fit(X, y)


@pytest.fixture(scope="session")
def hgb_pipeline(adult_xy):
    X, y = adult_xy
    pre = make_column_transformer(
        (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), CATEGORICAL),
        remainder="passthrough",
    )
    return make_pipeline(pre, HistGradientBoostingClassifier(max_iter=30)).fit(X, y)


@pytest.fixture(scope="session")
def logistic_pipeline(adult_xy, numeric_columns):
    X, y = adult_xy
    pre = make_column_transformer((_onehot(), CATEGORICAL), (StandardScaler(), numeric_columns))
    return make_pipeline(pre, LogisticRegression(max_iter=1000)).fit(X, y)


@pytest.fixture(scope="session")
def lgbm_report(lgbm_pipeline, adult):
    from rai_toolkit.explain import explain_model

    return explain_model(lgbm_pipeline, adult, target="income")


@pytest.fixture(scope="session")
def biased():
    from rai_toolkit.datasets import make_biased_classification

    return make_biased_classification(
        3000, feature_bias=1.5, proxy_strength=0.0, random_state=0
    )


@pytest.fixture(scope="session")
def biased_model(biased):
    features = [c for c in biased.frame.columns if c not in ("group", "y")]
    X = biased.frame[features]
    return LGBMClassifier(n_estimators=60, num_leaves=15, verbose=-1).fit(X, biased.y)


@pytest.fixture()
def rng():
    return np.random.default_rng(0)


def transformed(model, X):
    """Dense transformed matrix of a pipeline's preprocessing."""
    Xt = model[:-1].transform(X)
    return np.asarray(Xt.toarray() if hasattr(Xt, "toarray") else Xt, dtype=float)
