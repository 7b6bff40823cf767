"""assess(): bad inputs raise one clear error before any work starts."""

import pytest

from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.report import assess


def _assess(biased, **kwargs):
    args = {"target": "y", "sensitive_features": "group", "n_boot": 0, "explain": False,
            "privacy": False, "robustness": False}
    args.update(kwargs)
    data = args.pop("data", biased["test"])
    return assess(biased["model"], data, **args)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"target": "nope"}, DataValidationError, "Column 'nope' given as `target` not found"),
        ({"sensitive_features": "nope"}, DataValidationError,
         "'nope' given as `sensitive_features` not found"),
        ({"min_cell_size": 0}, ArgumentError, "min_cell_size must be an integer >= 1"),
        ({"n_bootstrap": 5}, ArgumentError, r"unexpected keyword argument\(s\): n_bootstrap"),
    ],
)
def test_bad_arguments(biased, kwargs, error, match):
    with pytest.raises(error, match=match):
        _assess(biased, **kwargs)


def test_data_must_be_a_frame(biased):
    with pytest.raises(DataValidationError, match="`data` must be a pandas DataFrame"):
        _assess(biased, data=biased["test"].to_numpy())


def test_train_lacking_model_columns_is_an_error_not_a_missing_section(biased):
    train = biased["train"][["y", "group"]]
    with pytest.raises(DataValidationError, match=r"Columns 'x0'.*given as `train \(target"):
        _assess(biased, train=train)


def test_train_that_is_not_a_frame(biased):
    with pytest.raises(DataValidationError, match="`train` must be a pandas DataFrame"):
        _assess(biased, train=[1, 2, 3])


def test_single_group(biased):
    data = biased["test"].assign(group="a")
    with pytest.raises(DataValidationError, match="'group' takes a single value"):
        _assess(biased, data=data)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mitigation": "yes"}, r"mitigation must be a MitigationResult returned by "
                                r"rai_toolkit\.mitigate\(\.\.\.\), or None; received 'yes'"),
        ({"progress": "yes"}, r"progress must be True \(print each step to stderr\), False or "
                              r"None \(silent\), or a callable taking one str"),
        ({"explain": "no"}, r"explain must be True or False; received 'no'"),
        ({"privacy": 0}, r"privacy must be True or False; received 0"),
        ({"robustness": None}, r"robustness must be True or False; received None"),
        ({"title": 3}, r"title must be a str or None; received 3"),
        ({"dataset_description": ["a"]}, r"dataset_description must be a str or None"),
        ({"model_source": 1.0}, r"model_source must be a str or None"),
        ({"impact_fields": "owner"}, r"impact_fields must be a dict or None; received 'owner'"),
        ({"bins": 4}, r"bins must be a dict or None; received 4"),
        ({"max_explain_rows": 0}, r"max_explain_rows must be an integer >= 1 or None"),
        ({"n_boot": "1000"}, r"n_boot must be an integer >= 0; received '1000'"),
    ],
)
def test_every_option_is_checked_before_any_work(biased, capsys, kwargs, match):
    with pytest.raises(ArgumentError, match=match) as info:
        _assess(biased, **{"progress": True, **kwargs})
    assert info.value.argument == next(iter(kwargs))
    assert capsys.readouterr().err == ""  # refused before the first progress line


def test_progress_true_prints_each_step(biased, capsys):
    _assess(biased, progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "[rai_toolkit] fairness (0 bootstrap replicates)"
    assert lines[-1] == "[rai_toolkit] building the report"


def test_progress_callable_and_silent(biased, capsys):
    steps = []
    _assess(biased, progress=steps.append)
    assert steps[0] == "fairness (0 bootstrap replicates)" and steps[-1] == "building the report"
    _assess(biased, progress=False)
    assert capsys.readouterr().err == ""


def test_a_generator_seed_is_recorded_as_the_int_it_gave(biased):
    import numpy as np

    result = _assess(biased, random_state=np.random.default_rng(0))
    expected = int(np.random.default_rng(0).integers(0, 2**32 - 1, dtype=np.int64))
    assert result.to_dict()["settings"]["random_state"] == expected


def test_series_columns_and_membership_inference(biased):
    test = biased["test"]
    features = test.drop(columns=["y", "group"])
    result = _assess(biased, data=features, target=test["y"], sensitive_features=test["group"],
                     train=biased["train"])
    # the added columns do not stop membership inference (train holds y but not the Series)
    assert result.membership is not None
    by_name = _assess(biased, train=biased["train"])
    assert result.fairness.by_group.equals(by_name.fairness.by_group)
