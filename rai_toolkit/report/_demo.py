"""The demo: the reference model on bundled UCI Adult, assessed and reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["ADULT_FEATURES", "adult_reference_model", "run_demo"]

#: Model inputs of the reference model: every Adult column but the target and the
#: census sampling weight ``fnlwgt`` (a property of the survey, not of the person).
ADULT_FEATURES = [
    "age", "workclass", "education", "education_num", "marital_status", "occupation",
    "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week",
    "native_country",
]  # fmt: skip

#: Fixed seed of the demo.
DEMO_SEED = 0


def adult_reference_model(train: Any, *, random_state: int = DEMO_SEED) -> Any:
    """Fit the reference model: one-hot encoding + LightGBM, on Adult's training rows.

    Parameters
    ----------
    train : pandas.DataFrame
        Adult rows with :data:`ADULT_FEATURES` and ``income``.
    random_state : int, default=0
        LightGBM seed.

    Returns
    -------
    sklearn.pipeline.Pipeline
        The fitted pipeline.
    """
    import pandas as pd
    from lightgbm import LGBMClassifier
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    categorical = [c for c in ADULT_FEATURES if not pd.api.types.is_numeric_dtype(train[c])]
    pre = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), categorical), remainder="passthrough"
    )
    model = make_pipeline(
        pre,
        LGBMClassifier(
            n_estimators=200,
            learning_rate=0.1,
            num_leaves=31,
            random_state=random_state,
            n_jobs=2,
            verbose=-1,
        ),
    )
    return model.fit(train[ADULT_FEATURES], train["income"])


def run_demo(
    out: str | Path = "reports/adult_demo.html",
    *,
    quick: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[Any, Path, Path]:
    """Train the reference model on Adult, assess it on the test split, write the report.

    Parameters
    ----------
    out : str or Path, default="reports/adult_demo.html"
        HTML path; the JSON document goes next to it (``.json``).
    quick : bool, default=False
        200 bootstrap replicates and SHAP on 1,000 rows instead of 1,000 and 5,000.
    progress : callable, optional
        Called with the name of each step.

    Returns
    -------
    (Assessment, Path, Path)
        The assessment and the HTML and JSON paths.

    Raises
    ------
    ArgumentError
        If ``out`` (or the JSON path beside it) cannot be written; checked
        before any work.
    """
    from rai_toolkit._io import HTML_SUFFIXES, JSON_SUFFIXES, OutputFiles, check_output_path
    from rai_toolkit.datasets import load_adult
    from rai_toolkit.report._assess import assess

    step = progress or (lambda name: None)
    out = check_output_path(out, argument="out", suffixes=HTML_SUFFIXES, make_parents=True)
    json_path = out.with_suffix(".json")
    check_output_path(json_path, argument="out", suffixes=JSON_SUFFIXES, make_parents=True)
    step("loading UCI Adult")
    ds = load_adult()
    train, test = ds.train_test()
    step("training the reference model (one-hot + LightGBM)")
    model = adult_reference_model(train.frame)
    assessment = assess(
        model,
        test.frame,
        target="income",
        sensitive_features=["sex", "race"],
        train=train.frame,
        n_boot=200 if quick else 1000,
        max_explain_rows=1000 if quick else 5000,
        random_state=DEMO_SEED,
        title="Income model on UCI Adult: Responsible AI report",
        dataset_description=ds.description,
        model_source="trained in this run by `rai-toolkit demo` (no model file loaded)",
        impact_fields={
            "system_name": "Adult income demo (reference model)",
            "purpose": "Demonstration only: predicts whether a person's yearly income exceeds "
            "50K USD from 1994 US census attributes. Not for real decisions.",
        },
        features=ADULT_FEATURES,
        progress=progress,
    )
    with OutputFiles() as files:  # both files or neither
        files.write_text(out, assessment.to_html(), suffixes=HTML_SUFFIXES, make_parents=True)
        files.write_text(json_path, assessment.to_json(), suffixes=JSON_SUFFIXES, make_parents=True)
    return assessment, out, json_path
