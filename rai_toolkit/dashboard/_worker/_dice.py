"""Counterfactuals found in the user's process, packed into dice-ml's objects.

:func:`rai_toolkit.dashboard._counterfactuals.search_counterfactuals` runs next to the
model; its result crosses as files (:func:`rai_toolkit.dashboard._wire.read_search`) and
becomes dice-ml's ``CounterfactualExplanations`` (schema 2.0), the object
``RAIInsights``' counterfactual manager stores and the dashboard reads, with DiCE's
definition of local and global importance (the share of counterfactuals in which a
feature changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit.dashboard._wire import CounterfactualSearch, feature_changed

__all__ = ["to_dice_explanations"]

def _py(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def to_dice_explanations(
    search: CounterfactualSearch,
    train: pd.DataFrame,
    *,
    target: str,
    continuous_features: Sequence[str],
    importance: bool = True,
) -> Any:
    """Pack a search result into dice-ml's ``CounterfactualExplanations``.

    Parameters
    ----------
    search : CounterfactualSearch
        From :func:`rai_toolkit.dashboard._wire.read_search`.
    train : pandas.DataFrame
        Training data including ``target`` (dice-ml's data interface reads it).
    target : str
        Target column.
    continuous_features : sequence of str
        Continuous columns, as ``RAIInsights`` passes them to dice-ml.
    importance : bool, default=True
        Include local and summary importances (dice-ml computes them only with at
        least 10 counterfactuals per row).

    Returns
    -------
    dice_ml.counterfactual_explanations.CounterfactualExplanations
        Schema 2.0 object with per-row counterfactuals and DiCE-style importances.
    """
    import dice_ml
    from dice_ml.counterfactual_explanations import CounterfactualExplanations
    from dice_ml.diverse_counterfactuals import CounterfactualExamples

    data_interface = dice_ml.Data(
        dataframe=train, continuous_features=list(continuous_features), outcome_name=target
    )
    cols = list(search.query.columns)
    categorical = set(data_interface.categorical_feature_names)
    # each example holds frames of its own: sliced from two frames that carry the target
    queries = search.query.assign(**{target: np.asarray(search.query_pred)})
    rows = search.rows.assign(**{target: np.asarray(search.rows_pred)})
    bounds = np.concatenate([[0], np.cumsum(search.n_found)])
    examples = []
    for i in range(len(queries)):
        test_df = queries.iloc[i: i + 1].reset_index(drop=True)
        cf_df = rows.iloc[bounds[i]: bounds[i + 1]].reset_index(drop=True)
        examples.append(
            CounterfactualExamples(
                data_interface=data_interface,
                final_cfs_df=cf_df,
                test_instance_df=test_df,
                final_cfs_df_sparse=cf_df,
                posthoc_sparsity_param=0.1,
                desired_class=_py(search.target[i]),
                model_type="classifier",
            )
        )
    # DiCE's importance: the share of a row's (of all) counterfactuals changing a feature
    owner, found = np.asarray(search.owner), search.n_found
    local = [dict.fromkeys(cols, 0.0) for _ in examples]
    totals = dict.fromkeys(cols, 0.0)
    for col in cols:
        hit = feature_changed(search.rows[col].to_numpy(), search.query[col].to_numpy()[owner],
                              categorical=col in categorical)
        per_row = np.bincount(owner, weights=hit, minlength=len(found))
        totals[col] = float(per_row.sum())
        for i in np.flatnonzero(found):
            local[i][col] = float(per_row[i] / found[i])
    n_total = int(found.sum())
    summary = {c: (v / n_total if n_total else 0.0) for c, v in totals.items()}
    if not importance:
        local, summary = None, None
    return CounterfactualExplanations(
        examples, local_importance=local, summary_importance=summary, version="2.0"
    )
