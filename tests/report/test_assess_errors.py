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
