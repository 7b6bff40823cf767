"""A small mixed-type counterfactual problem whose result is recorded in ``data/``.

The model is a fixed scoring rule (no fitting), so its predictions are the same on every
stack; with a seeded search the counterfactuals are then fully determined.
``data/search_golden.json`` holds what the pandas implementation of the search (commit
a2e8b86, before the array rewrite) found for :func:`mixed_problem`; the array
implementation must find exactly the same rows. Regenerate only when the search is meant
to change: ``python -m tests.dashboard.search_case``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

GOLDEN = Path(__file__).parent / "data" / "search_golden.json"
CATEGORICAL = ["colour", "kind", "member"]
#: Search settings the recorded result was made with.
SETTINGS = {"total_cfs": 6, "candidates": 16, "random_state": 7}


class ScoreRule:
    """Binary classifier: a fixed logistic score over every feature type."""

    classes_ = np.array(["no", "yes"])
    _colour = {"red": 1.2, "green": -0.4, "blue": 0.3, "grey": -1.5}
    _kind = {"a": 0.0, "b": 0.8, "c": -0.9}

    def _score(self, X: pd.DataFrame) -> np.ndarray:
        s = (
            0.09 * (X["age"].to_numpy(dtype=float) - 40)
            + 0.35 * (X["hours"].to_numpy(dtype=float) - 40) / 10
            + 1.1 * X["rate"].to_numpy(dtype=float)
            + X["colour"].map(self._colour).to_numpy(dtype=float)
            + X["kind"].map(self._kind).to_numpy(dtype=float)
            + 0.6 * X["member"].to_numpy(dtype=float)
            - 0.4
        )
        return s

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = 1 / (1 + np.exp(-self._score(X)))
        return np.column_stack([1 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def mixed_problem(n_train: int = 240, n_query: int = 40):
    """Model, training inputs and query rows: integers, floats, strings and booleans."""
    rng = np.random.default_rng(11)
    n = n_train + n_query
    X = pd.DataFrame({
        "age": rng.integers(18, 80, n).astype(np.int64),
        "hours": np.round(rng.normal(40, 12, n).clip(1, 99), 1),
        "rate": np.round(rng.normal(0, 1, n), 3),
        "colour": rng.choice(["red", "green", "blue", "grey"], n, p=[0.3, 0.3, 0.3, 0.1]),
        "kind": rng.choice(["a", "b", "c"], n),
        "member": rng.random(n) < 0.4,
    })
    # a few query rows far from the boundary, so single random changes rarely flip them
    far = X.index[n_train: n_train + 6]
    for col, value in {"age": 79, "hours": 99.0, "rate": 3.5, "colour": "red", "kind": "b",
                       "member": True}.items():
        X.loc[far, col] = value
    return ScoreRule(), X.iloc[:n_train].reset_index(drop=True), X.iloc[n_train:]


def search_to_dict(search) -> dict:
    """JSON-ready form of a search result: every counterfactual row, in order."""
    return {
        "columns": list(search.query.columns),
        "target": [str(t) for t in search.target],
        "rows": [
            [[_py(v) for v in row] for row in cfs.itertuples(index=False)]
            for cfs in search.counterfactuals
        ],
    }


def _py(value):
    return value.item() if isinstance(value, np.generic) else value


def run_search():
    """The search on :func:`mixed_problem` with :data:`SETTINGS`."""
    from rai_toolkit.dashboard._counterfactuals import search_counterfactuals

    model, train, query = mixed_problem()
    return search_counterfactuals(model, train, query, categorical_features=CATEGORICAL,
                                  **SETTINGS)


if __name__ == "__main__":
    found = search_to_dict(run_search())
    lines = [f'  "{key}": {json.dumps(found[key])},' for key in ("columns", "target")]
    rows = ",\n".join(f"    {json.dumps(r)}" for r in found["rows"])
    GOLDEN.write_text("{\n" + "\n".join(lines) + '\n  "rows": [\n' + rows + "\n  ]\n}\n")
    print(f"wrote {GOLDEN}")
